/* @jupyter-widgets/html-manager 1.x typesets widget labels with MathJax 2's API
   (MathJax.Hub.Queue(["Typeset", MathJax.Hub, el])); the book loads MathJax 3, which has no Hub.
   Loaded (deferred) after MathJax, this maps that call onto MathJax 3's typesetPromise. */
(function () {
  var M = window.MathJax;
  if (!M || M.Hub) { return; }
  M.Hub = {
    Queue: function (job) {
      var el = Array.isArray(job) ? job[2] : undefined;
      var run = function () { return M.typesetPromise ? M.typesetPromise(el ? [el] : undefined) : null; };
      if (M.startup && M.startup.promise) { M.startup.promise.then(run); } else { run(); }
    },
    Config: function () {}
  };
})();
