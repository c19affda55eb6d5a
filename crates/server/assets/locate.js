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
        field.value = position.coords.latitude.toFixed(4) + ", " + position.coords.longitude.toFixed(4);
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
