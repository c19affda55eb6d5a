// "Use my location": a progressive enhancement. The form works without it; with it, the
// browser's position fills the place field. The position goes nowhere but this server.
(function () {
  var button = document.getElementById("locate");
  var field = document.getElementById("near");
  var status = document.getElementById("locate-status");
  if (!button || !field || !status || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-locating");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        // Two decimals, about a kilometre: enough to find care nearby, and what enters the
        // URL and the browser's history is not the person's doorstep.
        field.value = position.coords.latitude.toFixed(2) + ", " + position.coords.longitude.toFixed(2);
        status.textContent = "";
        field.focus();
      },
      function () {
        status.textContent = button.getAttribute("data-failed");
      },
      { maximumAge: 600000, timeout: 15000 }
    );
  });
})();

// The printed list's Print button: shown only where a script can press it.
(function () {
  var button = document.getElementById("print");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
