/* A layout for diagrams that come without one.

   Generators and some other modelers write BPMN with only the process: no
   BPMNDiagram section, so nothing to draw. window.WegwijsLayout.ensure(xml) gives the
   XML back unchanged when it has a drawing, and otherwise a copy laid out by the
   vendored bpmn-auto-layout (vendor/bpmn-auto-layout), which the beheerder then
   saves into the draft. Resolves to {xml, generated}.
*/
(function () {
  "use strict";

  const BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";
  const BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI";

  function hasLayout(doc) {
    const planes = doc.getElementsByTagNameNS(BPMNDI, "BPMNPlane");
    return Array.prototype.some.call(planes, function (plane) {
      return plane.getElementsByTagNameNS(BPMNDI, "BPMNShape").length > 0;
    });
  }

  function directChildren(node, localName) {
    return Array.prototype.filter.call(node.childNodes, function (child) {
      return child.nodeType === 1 && child.namespaceURI === BPMN && child.localName === localName;
    });
  }

  // bpmn-auto-layout follows bpmn:incoming / bpmn:outgoing, which generators often
  // leave out (sourceRef and targetRef say the same): fill them in from the flows.
  function addFlowRefs(doc) {
    const byId = {};
    Array.prototype.forEach.call(doc.getElementsByTagNameNS(BPMN, "*"), function (node) {
      if (node.getAttribute("id")) {
        byId[node.getAttribute("id")] = node;
      }
    });
    Array.prototype.forEach.call(doc.getElementsByTagNameNS(BPMN, "sequenceFlow"), function (flow) {
      const id = flow.getAttribute("id");
      [["sourceRef", "outgoing"], ["targetRef", "incoming"]].forEach(function (pair) {
        const node = byId[flow.getAttribute(pair[0])];
        if (!node || !id) {
          return;
        }
        const known = directChildren(node, pair[1]).some(function (ref) {
          return ref.textContent.trim() === id;
        });
        if (!known) {
          const ref = doc.createElementNS(BPMN, node.prefix ? node.prefix + ":" + pair[1] : pair[1]);
          ref.textContent = id;
          node.appendChild(ref);
        }
      });
    });
  }

  // ---- lanes: bpmn-auto-layout draws none, but in Wegwijs a lane is a task's role.
  // Without lane shapes the modeler would take a moved task out of its lane; so the
  // laid-out rows are regrouped into one band per lane, the lanes (and the pool,
  // when the file has one) are drawn around them, and the arrows routed again.

  const DC = "http://www.omg.org/spec/DD/20100524/DC";
  const DI = "http://www.omg.org/spec/DD/20100524/DI";
  const ROW = 140; // bpmn-auto-layout's cell height
  const LABEL = 30; // the band with the pool's name

  function boundsOf(shape) {
    const node = Array.prototype.find.call(shape.childNodes, function (child) {
      return child.nodeType === 1 && child.namespaceURI === DC && child.localName === "Bounds";
    });
    if (!node) {
      return null;
    }
    return {
      node: node,
      x: Number(node.getAttribute("x")),
      y: Number(node.getAttribute("y")),
      width: Number(node.getAttribute("width")),
      height: Number(node.getAttribute("height")),
    };
  }

  function makeShape(doc, plane, id, element, box) {
    const shape = doc.createElementNS(BPMNDI, "bpmndi:BPMNShape");
    shape.setAttribute("id", id + "_di");
    shape.setAttribute("bpmnElement", id);
    shape.setAttribute("isHorizontal", "true");
    const bounds = doc.createElementNS(DC, "dc:Bounds");
    ["x", "y", "width", "height"].forEach(function (key) {
      bounds.setAttribute(key, String(Math.round(box[key])));
    });
    shape.appendChild(bounds);
    plane.insertBefore(shape, plane.firstChild);
    return element;
  }

  function route(source, target) {
    const sy = source.y + source.height / 2;
    const ty = target.y + target.height / 2;
    const right = source.x + source.width;
    if (target.x >= right) {
      if (sy === ty) {
        return [[right, sy], [target.x, ty]];
      }
      const mid = Math.round((right + target.x) / 2);
      return [[right, sy], [mid, sy], [mid, ty], [target.x, ty]];
    }
    // Back (a loop) or straight down: under both shapes.
    const sx = source.x + source.width / 2;
    const tx = target.x + target.width / 2;
    const below = Math.max(source.y + source.height, target.y + target.height) + 20;
    return [[sx, source.y + source.height], [sx, below], [tx, below], [tx, target.y + target.height]];
  }

  function drawLanes(xml) {
    const doc = new DOMParser().parseFromString(xml, "application/xml");
    const plane = doc.getElementsByTagNameNS(BPMNDI, "BPMNPlane")[0];
    if (!plane) {
      return xml;
    }
    const byId = {};
    Array.prototype.forEach.call(doc.getElementsByTagNameNS(BPMN, "*"), function (node) {
      if (node.getAttribute("id")) {
        byId[node.getAttribute("id")] = node;
      }
    });
    const processId = plane.getAttribute("bpmnElement");
    const process = byId[processId];
    const laneSet = process ? directChildren(process, "laneSet")[0] : null;
    const lanes = laneSet ? directChildren(laneSet, "lane") : [];
    // Nested lanes are left alone: the file keeps them, the drawing shows none.
    if (!lanes.length || lanes.some(function (lane) { return directChildren(lane, "childLaneSet").length; })) {
      return xml;
    }
    const bandOf = {};
    lanes.forEach(function (lane, index) {
      directChildren(lane, "flowNodeRef").forEach(function (ref) {
        bandOf[ref.textContent.trim()] = index;
      });
    });
    const shapes = {};
    Array.prototype.forEach.call(plane.getElementsByTagNameNS(BPMNDI, "BPMNShape"), function (shape) {
      const box = boundsOf(shape);
      if (box) {
        shapes[shape.getAttribute("bpmnElement")] = { shape: shape, box: box };
      }
    });
    const ids = Object.keys(shapes);
    if (!ids.length) {
      return xml;
    }
    // Which band (lane) and grid row each shape is in; a boundary event goes with its host.
    function hostOf(id) {
      const node = byId[id];
      return node && node.localName === "boundaryEvent" ? node.getAttribute("attachedToRef") : id;
    }
    const rows = {};
    ids.forEach(function (id) {
      const host = hostOf(id);
      const band = bandOf[host] !== undefined ? bandOf[host] : lanes.length;
      const row = Math.floor(((shapes[host] || shapes[id]).box.y) / ROW);
      rows[band] = rows[band] || [];
      if (rows[band].indexOf(row) < 0) {
        rows[band].push(row);
      }
    });
    const bands = [];
    let top = 0;
    for (let band = 0; band <= lanes.length; band += 1) {
      const used = (rows[band] || []).sort(function (a, b) { return a - b; });
      const height = band < lanes.length ? Math.max(1, used.length) * ROW : used.length * ROW;
      bands.push({ top: top, height: height, rows: used });
      top += height;
    }
    let minX = Infinity;
    let maxX = -Infinity;
    ids.forEach(function (id) {
      const host = hostOf(id);
      const band = bands[bandOf[host] !== undefined ? bandOf[host] : lanes.length];
      const hostBox = (shapes[host] || shapes[id]).box;
      const row = Math.floor(hostBox.y / ROW);
      const dy = band.top + band.rows.indexOf(row) * ROW - row * ROW;
      const entry = shapes[id];
      Array.prototype.forEach.call(entry.shape.getElementsByTagNameNS(DC, "Bounds"), function (node) {
        node.setAttribute("y", String(Number(node.getAttribute("y")) + dy));
      });
      entry.box.y += dy;
      minX = Math.min(minX, entry.box.x);
      maxX = Math.max(maxX, entry.box.x + entry.box.width);
    });
    Array.prototype.forEach.call(plane.getElementsByTagNameNS(BPMNDI, "BPMNEdge"), function (edge) {
      const flow = byId[edge.getAttribute("bpmnElement")];
      const source = flow && shapes[flow.getAttribute("sourceRef")];
      const target = flow && shapes[flow.getAttribute("targetRef")];
      if (!source || !target) {
        return;
      }
      Array.prototype.slice.call(edge.getElementsByTagNameNS(DI, "waypoint")).forEach(function (point) {
        point.parentNode.removeChild(point);
      });
      const label = edge.firstChild;
      route(source.box, target.box).forEach(function (xy) {
        const point = doc.createElementNS(DI, "di:waypoint");
        point.setAttribute("x", String(Math.round(xy[0])));
        point.setAttribute("y", String(Math.round(xy[1])));
        edge.insertBefore(point, label);
      });
    });
    const laneX = minX - 40;
    const laneWidth = maxX - minX + 80;
    const height = bands[lanes.length - 1].top + bands[lanes.length - 1].height;
    lanes.slice().reverse().forEach(function (lane, reversed) {
      const band = bands[lanes.length - 1 - reversed];
      makeShape(doc, plane, lane.getAttribute("id"), lane, {
        x: laneX, y: band.top, width: laneWidth, height: band.height,
      });
    });
    const participant = Array.prototype.find.call(
      doc.getElementsByTagNameNS(BPMN, "participant"),
      function (node) { return node.getAttribute("processRef") === processId; }
    );
    if (participant && participant.parentNode.getAttribute("id")) {
      plane.setAttribute("bpmnElement", participant.parentNode.getAttribute("id"));
      makeShape(doc, plane, participant.getAttribute("id"), participant, {
        x: laneX - LABEL, y: 0, width: laneWidth + LABEL, height: top > height ? top : height,
      });
    }
    return new XMLSerializer().serializeToString(doc);
  }

  function ensure(xml) {
    let doc;
    try {
      doc = new DOMParser().parseFromString(xml, "application/xml");
    } catch (error) {
      return Promise.resolve({ xml: xml, generated: false });
    }
    if (doc.getElementsByTagName("parsererror").length || hasLayout(doc)) {
      // Not ours to mend: the modeler reports an unreadable file itself.
      return Promise.resolve({ xml: xml, generated: false });
    }
    if (!window.BpmnAutoLayout || typeof window.BpmnAutoLayout.layoutProcess !== "function") {
      return Promise.reject(new Error("het diagram heeft geen opmaak en de automatische indeling is niet geladen"));
    }
    addFlowRefs(doc);
    const prepared = new XMLSerializer().serializeToString(doc);
    return window.BpmnAutoLayout.layoutProcess(prepared).then(function (laidOut) {
      return { xml: drawLanes(laidOut), generated: true };
    });
  }

  window.WegwijsLayout = { ensure: ensure };
})();
