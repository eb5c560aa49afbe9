/* govsocial demo: a stand-in for a Google Tag Manager container, written for this demo (not
   Google's code). A container runs the tags configured for its id; the id comes from this
   script's own URL (gtm.js?id=GTM-...), as with the real one. */
(function (w, d) {
  function metaPixel(pixelId) {
    // A "Custom HTML" tag holding the Meta pixel: queue the events, then load its script.
    return function () {
      var fbq = w.fbq;
      if (!fbq) {
        fbq = w.fbq = function () {
          fbq.callMethod ? fbq.callMethod.apply(fbq, arguments) : fbq.queue.push(arguments);
        };
        fbq.queue = [];
        var script = d.createElement("script");
        script.async = true;
        script.src = "https://connect.facebook.net/en_US/fbevents.js";
        d.head.appendChild(script);
      }
      fbq("init", pixelId);
      fbq("track", "PageView");
    };
  }
  var containers = {
    "GTM-K7QX2NB": [],
    "GTM-W4K8RZ2": [metaPixel("582903174650213")]
  };
  var own = d.currentScript ? d.currentScript.src : "";
  var id = (/[?&]id=(GTM-[A-Z0-9]+)/.exec(own) || [])[1];
  var dataLayer = (w.dataLayer = w.dataLayer || []);
  (containers[id] || []).forEach(function (fire) { fire(); });
  dataLayer.push({ event: "gtm.load" });
})(window, document);
