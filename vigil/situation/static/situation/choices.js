// The filter box above a long checkbox list (the alert form's recipients): typing
// hides the choices whose label does not contain the words. No inline script (CSP).
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.choice-filter").forEach(function (input) {
      var list = document.getElementById(input.dataset.filters);
      if (!list) { return; }
      input.addEventListener("input", function () {
        var words = fold(input.value).split(/\s+/).filter(Boolean);
        list.querySelectorAll("label.choice").forEach(function (label) {
          var text = fold(label.textContent);
          label.hidden = !words.every(function (word) { return text.indexOf(word) >= 0; });
        });
      });
    });
  });
}());
