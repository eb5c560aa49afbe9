/* Gemeinde Merkenhain: remembers the chosen font size and the first visit. */
(function () {
  var root = document.documentElement;
  function apply(size) {
    root.className = root.className.replace(/\bschrift-\d+\b/g, "").trim();
    if (size !== "100") root.className += " schrift-" + size;
  }
  var size = localStorage.getItem("schriftgroesse") || "100";
  localStorage.setItem("schriftgroesse", size);
  apply(size);
  if (document.cookie.indexOf("besucht=") === -1) {
    document.cookie = "besucht=1; max-age=15552000; path=/; SameSite=Lax";
  }
  document.addEventListener("click", function (event) {
    var chosen = event.target.getAttribute && event.target.getAttribute("data-schrift");
    if (chosen) {
      localStorage.setItem("schriftgroesse", chosen);
      apply(chosen);
    }
  });
})();
