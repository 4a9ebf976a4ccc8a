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
      return { xml: laidOut, generated: true };
    });
  }

  window.WegwijsLayout = { ensure: ensure };
})();
