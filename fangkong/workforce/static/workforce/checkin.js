// The phone's location goes with the check-in when the worker allows it; the form works without it.
(function () {
  var form = document.getElementById("checkin-form");
  if (!form || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.getElementById("lat").value = pos.coords.latitude.toFixed(6);
    document.getElementById("lon").value = pos.coords.longitude.toFixed(6);
  }, function () {}, { timeout: 5000, maximumAge: 60000 });
})();
