// case-extract workbench: keyboard shortcuts (a little progressive enhancement; every action
// is also a plain link or form). a = accept the selected value, n = next value, p = previous.
(function () {
  "use strict";
  function typing(target) {
    return target && target.closest && target.closest("input, select, textarea, [contenteditable]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var target = null;
    if (event.key === "a") {
      target = document.getElementById("accept");
    } else if (event.key === "n" || event.key === "j") {
      target = document.getElementById("next-value");
    } else if (event.key === "p" || event.key === "k") {
      target = document.getElementById("prev-value");
    }
    if (target) {
      event.preventDefault();
      target.click();
    }
  });
  // Bring the selected evidence into view inside its own scrolling boxes (not the whole page).
  function reveal(box, item) {
    if (!box || !item) {
      return;
    }
    var outer = box.getBoundingClientRect(), inner = item.getBoundingClientRect();
    if (inner.top >= outer.top && inner.bottom <= outer.bottom) {
      return;  // in view already
    }
    box.scrollTop += inner.top - outer.top - box.clientHeight / 3;
  }
  document.addEventListener("DOMContentLoaded", function () {
    reveal(document.getElementById("pagebox"), document.querySelector("svg.page rect.hl"));
    reveal(document.getElementById("doc-text"), document.getElementById("sel"));
  });
})();
