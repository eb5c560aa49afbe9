/* Gemeinde Wartenau: a minimal consent notice in the manner of Klaro, written for this demo.
   Scripts parked as type="text/plain" data-name="<service>" run only once the visitor agrees;
   until then the browser does not execute them, so nothing of the service is requested. */
(function (w, d) {
  var config = w.klaroConfig || { services: [] };
  function release(names) {
    var parked = d.querySelectorAll('script[type="text/plain"][data-name]');
    Array.prototype.forEach.call(parked, function (held) {
      if (names.indexOf(held.getAttribute("data-name")) === -1) return;
      var script = d.createElement("script");
      script.text = held.text;
      held.parentNode.replaceChild(script, held);
    });
  }
  function accept() {
    var names = config.services.map(function (service) { return service.name; });
    d.cookie = config.cookieName + "=" + encodeURIComponent(names.join(",")) +
      "; max-age=31536000; path=/; SameSite=Lax";
    release(names);
    hide();
  }
  function hide() {
    var notice = d.getElementById("klaro");
    if (notice) notice.parentNode.removeChild(notice);
  }
  function show() {
    if (d.getElementById("klaro")) return;
    var notice = d.createElement("div");
    notice.id = "klaro";
    notice.className = "klaro-notice";
    notice.innerHTML = "<p>Wir möchten mit dem Meta-Pixel messen, wie unsere Veranstaltungs" +
      "hinweise ankommen. Das geschieht nur mit Ihrer Zustimmung.</p>" +
      '<button type="button" class="cm-btn-accept">Zustimmen</button> ' +
      '<button type="button" class="cm-btn-decline">Ablehnen</button>';
    notice.querySelector(".cm-btn-accept").onclick = accept;
    notice.querySelector(".cm-btn-decline").onclick = hide;
    d.body.appendChild(notice);
  }
  w.klaro = { show: show };
  var agreed = (d.cookie.match(new RegExp("(?:^|; )" + config.cookieName + "=([^;]*)")) || [])[1];
  if (agreed) release(decodeURIComponent(agreed).split(","));
  else if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", show);
  else show();
})(window, document);
