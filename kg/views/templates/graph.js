/* exportkg graph view: builds the vis-network from the embedded JSON. Data reaches the page only as
   text (textContent, input values, canvas labels); links are shown only for http(s) URLs. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var SAFE_URL = /^https?:\/\/[^\s"'<>`\\]+$/i;
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function details(info, tooltip) {
    var box = el("div", "kg-info");
    box.appendChild(el("h3", null, info.title));
    if (info.subtitle) { box.appendChild(el("p", "kg-type", info.subtitle)); }
    var dl = el("dl", "kg-rows");
    info.rows.forEach(function (row) {
      dl.appendChild(el("dt", null, row[0]));
      dl.appendChild(el("dd", null, row[1]));
    });
    box.appendChild(dl);
    var links = (info.links || []).filter(function (u) { return SAFE_URL.test(u); });
    if (links.length && tooltip) {
      box.appendChild(el("p", "kg-hint", links.length + " source link(s): click to pin the details"));
    } else if (links.length) {
      var ul = el("ul", "kg-links");
      links.forEach(function (u) {
        var li = el("li"), a = el("a", null, u);
        a.href = u; a.target = "_blank"; a.rel = "noopener noreferrer";
        li.appendChild(a); ul.appendChild(li);
      });
      box.appendChild(el("h2", null, "Sources and links"));
      box.appendChild(ul);
    }
    return box;
  }

  function withTitle(items) {
    return items.map(function (item) {
      var copy = Object.assign({}, item);
      var info = data.info[String(item.id)];
      if (info) { copy.title = details(info, true); }
      return copy;
    });
  }

  /* legend, drawn with DOM and SVG elements */
  var legend = document.getElementById("kg-legend");
  function row(symbol, text) {
    var r = el("div", "kg-legend-row");
    r.appendChild(symbol); r.appendChild(el("span", null, text));
    legend.appendChild(r);
  }
  function line(dashes, width, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "36"); svg.setAttribute("height", "10");
    var l = document.createElementNS(SVG, "line");
    l.setAttribute("x1", "1"); l.setAttribute("y1", "5"); l.setAttribute("x2", "35"); l.setAttribute("y2", "5");
    l.setAttribute("stroke", color); l.setAttribute("stroke-width", String(width));
    if (dashes) { l.setAttribute("stroke-dasharray", dashes.join(" ")); }
    svg.appendChild(l);
    return svg;
  }
  legend.appendChild(el("h2", null, "Node types"));
  data.legend.types.forEach(function (t) {
    var g = el("span", "kg-glyph", t.glyph);
    g.style.color = t.color;
    row(g, t.name);
  });
  legend.appendChild(el("h2", null, "Restriction on the as-of date (border)"));
  data.legend.statuses.forEach(function (s) { row(line(s.dashes, s.width, s.color), s.name); });
  legend.appendChild(el("h2", null, "Edge confidence"));
  data.legend.grades.forEach(function (g) { row(line(g.dashes, g.width, "#6b7280"), g.name); });

  var nodes = new vis.DataSet(withTitle(data.nodes));
  var edges = new vis.DataSet(withTitle(data.edges));
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var panel = document.getElementById("kg-details");
  var loading = document.getElementById("kg-loading");

  function show(id) {
    var info = data.info[String(id)];
    if (!info) { return; }
    panel.replaceChildren(details(info, false));
  }

  function rendered() {
    if (loading) { loading.remove(); loading = null; }
    document.body.setAttribute("data-kg-nodes", String(Object.keys(network.getPositions()).length));
    document.body.setAttribute("data-kg-edges", String(edges.length));
    document.body.setAttribute("data-kg-rendered", "1");
  }

  network.on("stabilizationProgress", function (p) {
    if (loading) { loading.textContent = "laying out the graph… " + Math.round(100 * p.iterations / p.total) + "%"; }
  });
  /* frame every node with its label (network.fit() frames node centres only) */
  function frame() {
    var box = null;
    nodes.getIds().forEach(function (id) {
      var b = network.getBoundingBox(id);
      if (!b) { return; }
      box = box === null ? { left: b.left, right: b.right, top: b.top, bottom: b.bottom } : {
        left: Math.min(box.left, b.left), right: Math.max(box.right, b.right),
        top: Math.min(box.top, b.top), bottom: Math.max(box.bottom, b.bottom) };
    });
    if (box === null) { return; }
    var scale = Math.min(container.clientWidth / (box.right - box.left + 60),
                         container.clientHeight / (box.bottom - box.top + 60), 1.2);
    network.moveTo({ position: { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 },
                     scale: scale, animation: false });
  }
  var fitted = false, touched = false;  /* keep the whole graph framed until the reader moves it */
  network.on("dragStart", function () { touched = true; });
  network.on("zoom", function () { touched = true; });
  var reframe = false;  /* vis rescales the view after its "resize" event: re-frame before the next draw */
  network.on("resize", function () { reframe = fitted && !touched; });
  network.on("initRedraw", function () { if (reframe) { reframe = false; frame(); } });
  network.once("stabilizationIterationsDone", function () {
    if (data.meta.freeze) { network.setOptions({ physics: { enabled: false } }); }
    fitted = false;
  });
  network.on("afterDrawing", function () {
    if (!fitted) {
      fitted = true;
      frame();
      if (window.location.hash) { fromHash(); }
    }
    rendered();
  });
  network.on("click", function (p) {
    if (p.nodes.length) { show(p.nodes[0]); } else if (p.edges.length) { show(p.edges[0]); }
  });

  /* search: exact label or id first, then the first label containing the text */
  var byLabel = {};
  var names = document.getElementById("kg-names");
  data.nodes.forEach(function (n) {
    byLabel[String(n.label).toLowerCase()] = n.id;
    var opt = document.createElement("option");
    opt.value = String(n.label);
    names.appendChild(opt);
  });
  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return null; }
    if (Object.prototype.hasOwnProperty.call(byLabel, q)) { return byLabel[q]; }
    for (var i = 0; i < data.nodes.length; i++) {
      var n = data.nodes[i];
      if (String(n.id).toLowerCase() === q) { return n.id; }
    }
    for (var j = 0; j < data.nodes.length; j++) {
      if (String(data.nodes[j].label).toLowerCase().indexOf(q) >= 0) { return data.nodes[j].id; }
    }
    return null;
  }
  var input = document.getElementById("kg-search");
  var msg = document.getElementById("kg-search-msg");
  function focusOn(text, animate) {
    var id = find(text);
    msg.textContent = id === null ? "no such node in this view" : "";
    if (id === null) { return; }
    touched = true;
    network.selectNodes([id]);
    var motion = animate ? { duration: 400, easingFunction: "easeInOutQuad" } : false;
    network.focus(id, { scale: 1.0, animation: motion });
    show(id);
  }
  document.getElementById("kg-search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    focusOn(input.value, true);
  });
  /* a link to FILE.html#node=NAME opens with that node found, focused and its details pinned */
  function fromHash() {
    var m = /^#node=(.+)$/.exec(window.location.hash);
    if (!m) { return; }
    try { input.value = decodeURIComponent(m[1]); } catch (e) { input.value = m[1]; }
    focusOn(input.value, false);
  }
  window.addEventListener("hashchange", fromHash);
  input.addEventListener("change", function () {
    if (find(input.value) !== null) { document.getElementById("kg-search-form").requestSubmit(); }
  });
}());
