// S5: the recipient signs on the tablet (the distribution form, technical/distributions.html).
// A <canvas data-signature-pad> takes the drawing (finger, pen or mouse); on submit, when the
// confirmation is a drawn signature and no file was chosen, the drawing becomes the PNG file of
// the form's file input, so the server receives it as it receives an uploaded signature image.
// Without JavaScript the pad stays hidden and the file input takes a photographed signature.
(function () {
  "use strict";
  var pad = document.querySelector("[data-signature-pad]");
  if (!pad || !window.DataTransfer || !pad.getContext) { return; }
  var form = pad.closest("form");
  var input = form.querySelector("input[type=file][name=confirmation]");
  var kind = form.querySelector("[name=confirmation_kind]");
  var box = document.getElementById("signature-box");
  var ctx = pad.getContext("2d");
  var drawn = false;
  var last = null;
  box.hidden = false;
  ctx.lineWidth = 2.5;
  ctx.lineCap = "round";
  ctx.strokeStyle = "#000";
  function blank() {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, pad.width, pad.height);
    drawn = false;
  }
  blank();
  function at(e) {
    var r = pad.getBoundingClientRect();
    return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
  }
  pad.addEventListener("pointerdown", function (e) { pad.setPointerCapture(e.pointerId); last = at(e); e.preventDefault(); });
  pad.addEventListener("pointermove", function (e) {
    if (!last) { return; }
    var p = at(e);
    ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
    last = p; drawn = true; e.preventDefault();
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (t) { pad.addEventListener(t, function () { last = null; }); });
  document.getElementById("signature-clear").addEventListener("click", blank);
  function toggle() { box.hidden = kind.value !== "signature"; }
  kind.addEventListener("change", toggle);
  toggle();
  var sending = false;
  form.addEventListener("submit", function (e) {
    if (sending || kind.value !== "signature" || !drawn || (input.files && input.files.length)) { return; }
    e.preventDefault();
    pad.toBlob(function (blob) {
      var dt = new DataTransfer();
      dt.items.add(new File([blob], "signature.png", { type: "image/png" }));
      input.files = dt.files;
      sending = true;
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }, "image/png");
  });
})();
