// Open the print dialog once the card has loaded (not under automation). A static file: the
// Content-Security-Policy allows no inline script.
window.addEventListener("load", function () { if (!navigator.webdriver) window.print(); });
