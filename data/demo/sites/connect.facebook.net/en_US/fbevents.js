/* govsocial demo: a stand-in for the Meta pixel's script, written for this demo (not Meta's
   code). It takes over the fbq() queue the page's snippet filled and reports each tracked
   event of each initialised pixel to the /tr endpoint as an image request. */
(function (w) {
  var fbq = w.fbq;
  if (!fbq || fbq.pixels) return;
  fbq.pixels = [];
  function send(event) {
    fbq.pixels.forEach(function (pixelId) {
      new Image().src = "https://www.facebook.com/tr/?id=" + encodeURIComponent(pixelId) +
        "&ev=" + encodeURIComponent(event);
    });
  }
  function run(args) {
    if (args[0] === "init") fbq.pixels.push(String(args[1]));
    else if (args[0] === "track" || args[0] === "trackCustom") send(String(args[1]));
  }
  fbq.callMethod = function () { run(arguments); };
  (fbq.queue || []).forEach(run);
  fbq.queue = [];
})(window);
