/* Wegwijs process modeler: one BPMN file (SpiffWorkflow dialect) edited in the browser
   with the vendored bpmn-js Modeler (window.BpmnJS) and a properties panel of our own.

   Everything the page needs is embedded with json_script; nothing is fetched:
     #diagram-xml      the BPMN XML as a JSON string
     #spiff-moddle     the moddle descriptor of the spiffworkflow namespace
     #modeler-config   {formKeys, milestones, roles, findings}
   Every edit goes through bpmn-js `modeling`, so undo/redo works and the command stack
   knows the diagram changed. On submit of #modeler-save the XML is written into
   #modeler-xml and the form is posted.

   Results for the browser tests, written onto #process-modeler:
     data-import="ok" | "error"   (written last)
     data-dirty="true" | "false"
     data-findings=<number of elements marked with a finding>
     data-driven=<number of elements marked as reached by the latest proefrit>
     data-warnings=<number of import warnings> */
(function () {
  "use strict";

  const SPIFF_URI = "http://spiffworkflow.org/bpmn/schema/1.0/core";
  const SPIFF_PROPERTY_ORDER = ["formKey", "dueInDays", "dueDate", "milestone", "milestoneValue"];
  const TIMER_KINDS = [
    { key: "timeDuration", label: "Duur (na het bereiken van de gebeurtenis)" },
    { key: "timeDate", label: "Datum (op een tijdstip)" },
    { key: "timeCycle", label: "Herhaling (cyclus)" },
  ];

  // bpmn-js's English strings (palette, context pad, replace menu, search), in Dutch.
  // Strings not listed stay English.
  const NL = {
    "Activate hand tool": "Handgereedschap: het diagram verschuiven",
    "Activate lasso tool": "Lasso: meerdere elementen selecteren",
    "Activate create/remove space tool": "Ruimte maken of weghalen",
    "Activate global connect tool": "Elementen verbinden",
    "Create start event": "Startgebeurtenis maken",
    "Create intermediate/boundary event": "Tussengebeurtenis maken",
    "Create end event": "Eindgebeurtenis maken",
    "Create gateway": "Gateway maken",
    "Create task": "Taak maken",
    "Create data object reference": "Gegevensobject maken",
    "Create data store reference": "Gegevensopslag maken",
    "Create expanded sub-process": "Deelproces maken",
    "Create pool/participant": "Pool (deelnemer) maken",
    "Create group": "Groep maken",
    "Append task": "Taak toevoegen",
    "Append end event": "Eindgebeurtenis toevoegen",
    "Append gateway": "Gateway toevoegen",
    "Append intermediate/boundary event": "Tussengebeurtenis toevoegen",
    "Append receive task": "Ontvangsttaak toevoegen",
    "Append message intermediate catch event": "Wachten op bericht toevoegen",
    "Append timer intermediate catch event": "Timer toevoegen",
    "Append conditional intermediate catch event": "Wachten op voorwaarde toevoegen",
    "Append signal intermediate catch event": "Wachten op signaal toevoegen",
    "Append compensation activity": "Compensatieactiviteit toevoegen",
    "Add lane above": "Lane erboven toevoegen",
    "Add lane below": "Lane eronder toevoegen",
    "Divide into two lanes": "In twee lanes splitsen",
    "Divide into three lanes": "In drie lanes splitsen",
    "Add text annotation": "Notitie toevoegen",
    "Change element": "Soort wijzigen",
    "Delete": "Verwijderen",
    "Connect to other element": "Verbinden met een ander element",
    "Connect using sequence flow": "Verbinden met een verbinding",
    "Connect using association": "Verbinden met een associatie",
    "Connect using data input association": "Verbinden met een gegevensinvoer",
    "Align elements": "Uitlijnen",
    "Align elements left": "Links uitlijnen",
    "Align elements center": "Horizontaal centreren",
    "Align elements right": "Rechts uitlijnen",
    "Align elements top": "Boven uitlijnen",
    "Align elements middle": "Verticaal centreren",
    "Align elements bottom": "Onder uitlijnen",
    "Distribute elements horizontally": "Horizontaal verdelen",
    "Distribute elements vertically": "Verticaal verdelen",
    "Search in diagram": "Zoeken in het diagram",
    "Open {element}": "{element} openen",
    "Parallel multi-instance": "Meervoudig, parallel",
    "Sequential multi-instance": "Meervoudig, na elkaar",
    "Loop": "Herhalen",
    "Collection": "Verzameling",
    "Participant multiplicity": "Meerdere deelnemers",
    "Toggle non-interrupting": "Onderbrekend of niet onderbrekend",
    "flow elements must be children of pools/participants": "elementen moeten binnen een pool staan",
    "Data object must be placed within a pool/participant.": "Een gegevensobject moet binnen een pool staan.",
    // Replace menu ("Soort wijzigen")
    "Task": "Taak",
    "User task": "Gebruikerstaak",
    "Script task": "Scripttaak",
    "Service task": "Servicetaak",
    "Send task": "Verzendtaak",
    "Receive task": "Ontvangsttaak",
    "Manual task": "Handmatige taak",
    "Business rule task": "Beslistaak",
    "Call activity": "Aanroep (ander proces)",
    "Sub-process": "Deelproces",
    "Sub-process (collapsed)": "Deelproces (ingeklapt)",
    "Sub-process (expanded)": "Deelproces (uitgeklapt)",
    "Ad-hoc sub-process": "Ad-hoc-deelproces",
    "Ad-hoc sub-process (collapsed)": "Ad-hoc-deelproces (ingeklapt)",
    "Ad-hoc sub-process (expanded)": "Ad-hoc-deelproces (uitgeklapt)",
    "Event sub-process": "Gebeurtenis-deelproces",
    "Transaction": "Transactie",
    "Start event": "Startgebeurtenis",
    "End event": "Eindgebeurtenis",
    "Intermediate throw event": "Tussengebeurtenis",
    "Boundary event": "Randgebeurtenis",
    "Terminate end event": "Eindgebeurtenis (alles beëindigen)",
    "Timer start event": "Timer-startgebeurtenis",
    "Timer start event (non-interrupting)": "Timer-startgebeurtenis (niet onderbrekend)",
    "Timer intermediate catch event": "Timer (tussengebeurtenis)",
    "Timer boundary event": "Timer op de rand (onderbrekend)",
    "Timer boundary event (non-interrupting)": "Timer op de rand (niet onderbrekend)",
    "Message start event": "Bericht-startgebeurtenis",
    "Message intermediate catch event": "Wachten op bericht",
    "Message intermediate throw event": "Bericht versturen",
    "Message end event": "Bericht-eindgebeurtenis",
    "Message boundary event": "Bericht op de rand",
    "Signal start event": "Signaal-startgebeurtenis",
    "Signal intermediate catch event": "Wachten op signaal",
    "Signal intermediate throw event": "Signaal versturen",
    "Signal end event": "Signaal-eindgebeurtenis",
    "Conditional start event": "Voorwaardelijke startgebeurtenis",
    "Conditional intermediate catch event": "Wachten op voorwaarde",
    "Escalation end event": "Escalatie-eindgebeurtenis",
    "Error end event": "Fout-eindgebeurtenis",
    "Error boundary event": "Fout op de rand",
    "Exclusive gateway": "Gateway (exclusief)",
    "Parallel gateway": "Gateway (parallel)",
    "Inclusive gateway": "Gateway (inclusief)",
    "Complex gateway": "Gateway (complex)",
    "Event-based gateway": "Gateway (op gebeurtenis)",
    "Sequence flow": "Verbinding",
    "Default flow": "Standaardverbinding",
    "Conditional flow": "Voorwaardelijke verbinding",
    "Empty pool/participant": "Lege pool",
    "Expanded pool/participant": "Uitgeklapte pool",
    "Data object reference": "Gegevensobject",
    "Data store reference": "Gegevensopslag",
  };

  function translate(template, replacements) {
    const values = replacements || {};
    const text = Object.prototype.hasOwnProperty.call(NL, template) ? NL[template] : template;
    return text.replace(/{([^}]+)}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  const translateModule = { translate: ["value", translate] };

  // Kinds in Dutch; the first type the business object is an instance of wins.
  const KINDS = [
    ["bpmn:UserTask", "Gebruikerstaak"],
    ["bpmn:ScriptTask", "Scripttaak"],
    ["bpmn:ServiceTask", "Servicetaak"],
    ["bpmn:ManualTask", "Handmatige taak"],
    ["bpmn:SendTask", "Verzendtaak"],
    ["bpmn:ReceiveTask", "Ontvangsttaak"],
    ["bpmn:BusinessRuleTask", "Beslistaak"],
    ["bpmn:Task", "Taak"],
    ["bpmn:CallActivity", "Aanroep (ander proces)"],
    ["bpmn:Transaction", "Transactie"],
    ["bpmn:AdHocSubProcess", "Ad-hoc-deelproces"],
    ["bpmn:SubProcess", "Deelproces"],
    ["bpmn:StartEvent", "Startgebeurtenis"],
    ["bpmn:EndEvent", "Eindgebeurtenis"],
    ["bpmn:BoundaryEvent", "Randgebeurtenis"],
    ["bpmn:IntermediateCatchEvent", "Tussengebeurtenis (wachten)"],
    ["bpmn:IntermediateThrowEvent", "Tussengebeurtenis"],
    ["bpmn:ExclusiveGateway", "Gateway (exclusief)"],
    ["bpmn:ParallelGateway", "Gateway (parallel)"],
    ["bpmn:InclusiveGateway", "Gateway (inclusief)"],
    ["bpmn:EventBasedGateway", "Gateway (op gebeurtenis)"],
    ["bpmn:ComplexGateway", "Gateway (complex)"],
    ["bpmn:SequenceFlow", "Verbinding"],
    ["bpmn:MessageFlow", "Berichtenstroom"],
    ["bpmn:Association", "Associatie"],
    ["bpmn:DataInputAssociation", "Gegevensinvoer"],
    ["bpmn:DataOutputAssociation", "Gegevensuitvoer"],
    ["bpmn:Lane", "Lane (rol)"],
    ["bpmn:Participant", "Pool (deelnemer)"],
    ["bpmn:TextAnnotation", "Notitie"],
    ["bpmn:Group", "Groep"],
    ["bpmn:DataObjectReference", "Gegevensobject"],
    ["bpmn:DataStoreReference", "Gegevensopslag"],
    ["bpmn:Process", "Proces"],
    ["bpmn:Collaboration", "Samenwerking (pools)"],
  ];

  // What "Toevoegen na dit element" can append (keyboard alternative to the context pad).
  const APPENDABLE = [
    { key: "userTask", label: "Gebruikerstaak", attrs: { type: "bpmn:UserTask" } },
    { key: "scriptTask", label: "Scripttaak", attrs: { type: "bpmn:ScriptTask" } },
    { key: "exclusiveGateway", label: "Gateway (exclusief)", attrs: { type: "bpmn:ExclusiveGateway" } },
    { key: "parallelGateway", label: "Gateway (parallel)", attrs: { type: "bpmn:ParallelGateway" } },
    {
      key: "timer",
      label: "Timer (tussengebeurtenis)",
      attrs: { type: "bpmn:IntermediateCatchEvent", eventDefinitionType: "bpmn:TimerEventDefinition" },
    },
    { key: "endEvent", label: "Eindgebeurtenis", attrs: { type: "bpmn:EndEvent" } },
  ];

  const container = document.getElementById("process-modeler");
  if (!container) {
    return;
  }
  const panelBody = document.getElementById("properties-body");
  const statusBox = document.getElementById("modeler-status");
  const saveForm = document.getElementById("modeler-save");
  const xmlField = document.getElementById("modeler-xml");
  const saveButton = saveForm ? saveForm.querySelector("button[type=submit], button:not([type])") : null;

  let modeler = null;
  let ready = false;
  let saving = false;
  let dirty = false;
  let warningText = "";
  // True when the drawing was made here for a file that had none: unsaved until saved.
  let layoutGenerated = false;
  let config = { formKeys: [], milestones: [], roles: [], findings: [], coverage: null };

  container.dataset.dirty = "false";
  setSaveEnabled(false);

  // ---------------------------------------------------------------- small helpers

  function h(tag, attrs) {
    const node = document.createElement(tag);
    const options = attrs || {};
    Object.keys(options).forEach(function (key) {
      const value = options[key];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (key === "text") {
        node.textContent = value;
      } else if (key === "className") {
        node.className = value;
      } else if (key.slice(0, 2) === "on" && typeof value === "function") {
        node.addEventListener(key.slice(2), value);
      } else if (value === true) {
        node.setAttribute(key, "");
      } else {
        node.setAttribute(key, String(value));
      }
    });
    for (let index = 2; index < arguments.length; index += 1) {
      append(node, arguments[index]);
    }
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) {
      return;
    }
    if (Array.isArray(child)) {
      child.forEach(function (item) {
        append(node, item);
      });
      return;
    }
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  function readJson(id) {
    const node = document.getElementById(id);
    if (!node) {
      throw new Error("het gegevensblok #" + id + " ontbreekt op de pagina");
    }
    return JSON.parse(node.textContent);
  }

  function setSaveEnabled(enabled) {
    if (saveButton) {
      saveButton.disabled = !enabled;
    }
  }

  function setStatus(text, kind) {
    if (!statusBox) {
      return;
    }
    statusBox.textContent = text;
    statusBox.classList.toggle("modeler-status-error", kind === "error");
    statusBox.classList.toggle("modeler-status-warning", kind === "warning");
  }

  function updateStatus() {
    const parts = [dirty ? "Niet opgeslagen wijzigingen." : "Geen niet-opgeslagen wijzigingen."];
    if (layoutGenerated) {
      parts.push("Dit diagram had geen tekening; Wegwijs heeft het automatisch ingedeeld. Sla het op om die indeling in het concept te bewaren.");
    }
    if (warningText) {
      parts.push(warningText);
    }
    setStatus(parts.join(" "), warningText ? "warning" : "");
  }

  function service(name) {
    return modeler.get(name);
  }

  function businessObject(element) {
    return element && element.businessObject;
  }

  function isA(element, type) {
    const bo = businessObject(element);
    return Boolean(bo && bo.$instanceOf && bo.$instanceOf(type));
  }

  function eventDefinition(bo, type) {
    const definitions = (bo && bo.eventDefinitions) || [];
    return definitions.find(function (definition) {
      return definition.$instanceOf(type);
    });
  }

  function kindOf(element) {
    const bo = businessObject(element);
    if (!bo) {
      return "Element";
    }
    const timer = eventDefinition(bo, "bpmn:TimerEventDefinition");
    if (timer) {
      if (bo.$instanceOf("bpmn:StartEvent")) {
        return "Timer (startgebeurtenis)";
      }
      if (bo.$instanceOf("bpmn:BoundaryEvent")) {
        return bo.cancelActivity === false ? "Timer op de rand (niet onderbrekend)" : "Timer op de rand (onderbrekend)";
      }
      return "Timer (tussengebeurtenis)";
    }
    if (bo.$instanceOf("bpmn:EndEvent") && eventDefinition(bo, "bpmn:TerminateEventDefinition")) {
      return "Eindgebeurtenis (alles beëindigen)";
    }
    if (bo.$instanceOf("bpmn:SubProcess") && bo.triggeredByEvent) {
      return "Gebeurtenis-deelproces";
    }
    const kind = KINDS.find(function (entry) {
      return bo.$instanceOf(entry[0]);
    });
    return kind ? kind[1] : bo.$type;
  }

  function displayName(element) {
    const bo = businessObject(element);
    if (!bo) {
      return "";
    }
    if (bo.$instanceOf("bpmn:Lane")) {
      return roleLabel(bo.name) || bo.name || "";
    }
    if (bo.$instanceOf("bpmn:TextAnnotation")) {
      return bo.text || "";
    }
    return bo.name || "";
  }

  function describe(element) {
    const name = displayName(element);
    if (name) {
      return name;
    }
    if (isA(element, "bpmn:SequenceFlow") && element.source && element.target) {
      return "van " + (displayName(element.source) || element.source.id) + " naar " + (displayName(element.target) || element.target.id);
    }
    return element.id;
  }

  function roleLabel(key) {
    const role = config.roles.find(function (item) {
      return item.key === key;
    });
    return role ? role.label : "";
  }

  function isFlowNode(element) {
    return isA(element, "bpmn:FlowNode");
  }

  // ---------------------------------------------------------------- moddle descriptor
  // bpmn-js drops any element of a known namespace whose type the descriptor lacks. The
  // diagram may carry spiffworkflow elements we do not know (SpiffArena adds new ones), so
  // every spiffworkflow element found in the XML gets a generic type that keeps its text,
  // attributes and children: they survive a round trip untouched.

  function extendDescriptor(descriptor, xml) {
    const copy = JSON.parse(JSON.stringify(descriptor));
    let documentNode;
    try {
      documentNode = new DOMParser().parseFromString(xml, "application/xml");
    } catch (error) {
      return copy;
    }
    if (!documentNode || documentNode.getElementsByTagName("parsererror").length) {
      return copy;
    }
    const known = new Set(
      copy.types.map(function (type) {
        return type.name.charAt(0).toLowerCase() + type.name.slice(1);
      })
    );
    const found = new Map();
    Array.prototype.forEach.call(documentNode.getElementsByTagNameNS(copy.uri || SPIFF_URI, "*"), function (node) {
      const name = node.localName;
      if (known.has(name) || !/^[a-z][A-Za-z0-9_]*$/.test(name)) {
        return;
      }
      const info = found.get(name) || { children: false, text: false, attributes: new Set() };
      Array.prototype.forEach.call(node.childNodes, function (child) {
        if (child.nodeType === 1) {
          info.children = true;
        } else if ((child.nodeType === 3 || child.nodeType === 4) && child.nodeValue.trim()) {
          info.text = true;
        }
      });
      Array.prototype.forEach.call(node.attributes, function (attribute) {
        if (!attribute.namespaceURI && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(attribute.name)) {
          info.attributes.add(attribute.name);
        }
      });
      found.set(name, info);
    });
    found.forEach(function (info, name) {
      const properties = [];
      info.attributes.forEach(function (attribute) {
        if (attribute !== "body" && attribute !== "children") {
          properties.push({ name: attribute, type: "String", isAttr: true });
        }
      });
      if (info.text || !info.children) {
        properties.push({ name: "body", type: "String", isBody: true });
      }
      if (info.children) {
        properties.push({ name: "children", type: "Element", isMany: true });
      }
      copy.types.push({
        name: name.charAt(0).toUpperCase() + name.slice(1),
        superClass: ["Element"],
        properties: properties,
      });
    });
    return copy;
  }

  // ---------------------------------------------------------------- lane references
  // bpmn-js 18 recomputes lane#flowNodeRef after lanes change (e.g. a lane grows when an
  // element is placed below it) from every child of the pool, external labels included:
  // a label that sticks out of its lane (the diagrams put end-event labels beside the
  // event, sometimes past the pool's edge) then takes its flow node out of its lane.
  // We compute the same updates without labels and hand them to the command, which uses
  // precomputed updates when it finds them (and for undo).

  const LANE_PARENTS = ["bpmn:Participant", "bpmn:Process", "bpmn:SubProcess"];

  function lanesRoot(shape) {
    let node = shape.parent;
    while (node) {
      if (LANE_PARENTS.some(function (type) {
        return isA(node, type);
      })) {
        return node;
      }
      node = node.parent;
    }
    return shape;
  }

  function collectLanes(shape, collected) {
    (shape.children || []).forEach(function (child) {
      if (isA(child, "bpmn:Lane")) {
        collectLanes(child, collected);
        collected.push(child);
      }
    });
    return collected;
  }

  function insideLane(shape, lane) {
    const x = shape.x + shape.width / 2;
    const y = shape.y + shape.height / 2;
    return x > lane.x && x < lane.x + lane.width && y > lane.y && y < lane.y + lane.height;
  }

  function laneRefUpdates(flowNodeShapes, laneShapes) {
    const seen = new Set();
    const nodes = [];
    const lanesByRoot = new Map();
    function addNode(shape) {
      if (shape.type === "label" || shape.labelTarget || seen.has(shape)) {
        return;
      }
      seen.add(shape);
      nodes.push(shape);
    }
    laneShapes.forEach(function (lane) {
      const root = lanesRoot(lane);
      if (!root || seen.has(root)) {
        return;
      }
      (root.children || []).filter(isFlowNode).forEach(addNode);
      seen.add(root);
    });
    flowNodeShapes.forEach(addNode);
    const updates = nodes.map(function (shape) {
      const flowNode = shape.businessObject;
      let add = [];
      if (shape.parent) {
        const root = lanesRoot(shape);
        if (!lanesByRoot.has(root)) {
          lanesByRoot.set(root, collectLanes(root, []));
        }
        add = lanesByRoot
          .get(root)
          .filter(function (lane) {
            return insideLane(shape, lane);
          })
          .map(function (lane) {
            return lane.businessObject;
          });
      }
      return { flowNode: flowNode, remove: flowNode.get("lanes").slice(), add: add };
    });
    laneShapes.forEach(function (lane) {
      if (!lane.parent) {
        lane.businessObject.get("flowNodeRef").forEach(function (flowNode) {
          updates.push({ flowNode: flowNode, remove: [lane.businessObject], add: [] });
        });
      }
    });
    return updates;
  }

  function guardLaneRefs(eventBus) {
    eventBus.on("commandStack.lane.updateRefs.preExecute", function (event) {
      const context = event.context;
      if (!context.updates) {
        context.updates = laneRefUpdates(context.flowNodeShapes || [], context.laneShapes || []);
      }
    });
  }

  // ---------------------------------------------------------------- lane labels
  // A lane is named by its role code (begeleider): that is what the engine reads and
  // what the panel's role choice sets. The drawing shows the role's Dutch name
  // (Begeleider), again after bpmn-js redraws a changed lane.
  function dutchLaneLabels(eventBus) {
    const labels = {};
    config.roles.forEach(function (role) {
      labels[role.key] = role.label;
    });
    function relabel() {
      const registry = service("elementRegistry");
      registry
        .filter(function (element) {
          return element.type === "bpmn:Lane";
        })
        .forEach(function (lane) {
          const label = labels[lane.businessObject.name];
          const text = label && registry.getGraphics(lane).querySelector(".djs-visual text");
          if (!text) {
            return;
          }
          const spans = text.querySelectorAll("tspan");
          if (!spans.length) {
            text.textContent = label;
            return;
          }
          spans[0].textContent = label;
          Array.prototype.slice.call(spans, 1).forEach(function (span) {
            span.remove();
          });
        });
    }
    relabel();
    eventBus.on("elements.changed", 250, relabel); // after the redraw (priority 1000)
  }

  // ---------------------------------------------------------------- spiffworkflow properties

  function spiffProperties(bo) {
    const extension = bo && bo.extensionElements;
    const values = (extension && extension.values) || [];
    return (
      values.find(function (value) {
        return value.$instanceOf && value.$instanceOf("spiffworkflow:Properties");
      }) || null
    );
  }

  function getSpiffProperty(element, name) {
    const properties = spiffProperties(businessObject(element));
    const list = (properties && properties.properties) || [];
    const property = list.find(function (item) {
      return item.name === name;
    });
    return property && property.value !== undefined && property.value !== null ? String(property.value) : "";
  }

  /* Set (value) or remove ("" or null) several spiffworkflow:property entries in one
     command: one undo step. Other children of extensionElements are left alone; an
     emptied spiffworkflow:properties (and an emptied extensionElements) is removed. */
  function setSpiffProperties(element, changes) {
    const moddle = service("moddle");
    const modeling = service("modeling");
    const bo = businessObject(element);
    const extension = bo.extensionElements;
    const properties = spiffProperties(bo);
    const current = (properties && properties.properties) || [];
    const next = current.slice();
    Object.keys(changes).forEach(function (name) {
      const value = changes[name];
      const index = next.findIndex(function (item) {
        return item.name === name;
      });
      if (value === null || value === undefined || String(value) === "") {
        if (index >= 0) {
          next.splice(index, 1);
        }
        return;
      }
      if (index >= 0 && next[index].value === String(value)) {
        return;
      }
      const property = moddle.create("spiffworkflow:Property", { name: name, value: String(value) });
      if (index >= 0) {
        next[index] = property;
        return;
      }
      // Right after the last property that comes before it in the usual order, else
      // before the first that comes after it, else at the end.
      const rank = SPIFF_PROPERTY_ORDER.indexOf(name);
      let at = -1;
      if (rank >= 0) {
        next.forEach(function (item, position) {
          const other = SPIFF_PROPERTY_ORDER.indexOf(item.name);
          if (other >= 0 && other < rank) {
            at = position + 1;
          }
        });
        if (at < 0) {
          at = next.findIndex(function (item) {
            return SPIFF_PROPERTY_ORDER.indexOf(item.name) > rank;
          });
        }
      }
      next.splice(at < 0 ? next.length : at, 0, property);
    });
    const unchanged =
      next.length === current.length &&
      next.every(function (item, index) {
        return item === current[index];
      });
    if (unchanged) {
      return;
    }
    if (!next.length) {
      const others = extension.values.filter(function (value) {
        return value !== properties;
      });
      if (others.length) {
        modeling.updateModdleProperties(element, extension, { values: others });
      } else {
        modeling.updateProperties(element, { extensionElements: undefined });
      }
      return;
    }
    if (properties) {
      next.forEach(function (item) {
        item.$parent = properties;
      });
      modeling.updateModdleProperties(element, properties, { properties: next });
      return;
    }
    const created = moddle.create("spiffworkflow:Properties", { properties: next });
    next.forEach(function (item) {
      item.$parent = created;
    });
    if (extension) {
      created.$parent = extension;
      modeling.updateModdleProperties(element, extension, { values: (extension.values || []).concat([created]) });
      return;
    }
    const newExtension = moddle.create("bpmn:ExtensionElements", { values: [created] });
    newExtension.$parent = bo;
    created.$parent = newExtension;
    modeling.updateProperties(element, { extensionElements: newExtension });
  }

  function formalExpression(body) {
    return service("moddle").create("bpmn:FormalExpression", { body: body });
  }

  // ---------------------------------------------------------------- panel controls
  // A control is built once per selected element; `refresh` rereads the model after
  // every change (our own edits, undo, redo) without rebuilding, so focus stays put.

  let refreshers = [];
  let uid = 0;

  function nextId(name) {
    uid += 1;
    return "prop-" + name + "-" + uid;
  }

  function fieldBox(id, label, control, hint, extra) {
    const hintId = hint ? id + "-hint" : null;
    const errorId = id + "-error";
    const described = [hintId, errorId].filter(Boolean).join(" ");
    control.setAttribute("aria-describedby", described);
    const error = h("p", { id: errorId, className: "panel-error", hidden: true });
    return h(
      "div",
      { className: "panel-field" },
      h("label", { for: id, text: label }),
      hint ? h("p", { id: hintId, className: "helptext", text: hint }) : null,
      control,
      extra || null,
      error
    );
  }

  function showError(control, message) {
    const error = document.getElementById(control.id + "-error");
    if (message) {
      control.setAttribute("aria-invalid", "true");
      if (error) {
        error.textContent = message;
        error.hidden = false;
      }
    } else {
      control.removeAttribute("aria-invalid");
      if (error) {
        error.textContent = "";
        error.hidden = true;
      }
    }
  }

  /* A text input or textarea: committed on change (leaving the field) and on Enter
     (Ctrl+Enter in a textarea), never on every keystroke. */
  function textControl(options) {
    const id = nextId(options.name);
    const multiline = Boolean(options.multiline);
    const control = multiline
      ? h("textarea", { id: id, rows: options.rows || 6, className: options.code ? "code" : null, spellcheck: options.code ? "false" : null })
      : h("input", {
          id: id,
          type: options.type || "text",
          inputmode: options.inputmode || null,
          className: options.code ? "code" : null,
          autocomplete: "off",
          spellcheck: options.code ? "false" : null,
        });
    let pending = false;
    control.addEventListener("input", function () {
      pending = true;
    });
    function commit() {
      pending = false;
      const value = options.trim === false ? control.value : control.value.trim();
      const message = options.validate ? options.validate(value) : "";
      showError(control, message);
      if (message || value === options.read()) {
        return;
      }
      options.write(value);
    }
    control.addEventListener("change", commit);
    control.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (!multiline || event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        commit();
      }
    });
    control.value = options.read();
    refreshers.push(function () {
      if (pending && document.activeElement === control) {
        return;
      }
      const value = options.read();
      if (control.value !== value && !(options.keepWhenEmpty && !value && options.keepWhenEmpty())) {
        control.value = value;
        showError(control, "");
      }
    });
    const hint = options.hint || (multiline ? "Ctrl+Enter of het veld verlaten legt de tekst vast." : null);
    return { box: fieldBox(id, options.label, control, hint), control: control };
  }

  /* A select: committed on change. A current value missing from the choices is kept as
     an extra option, so opening an element never changes it. */
  function selectControl(options) {
    const id = nextId(options.name);
    const control = h("select", { id: id });
    function fill(current) {
      control.textContent = "";
      const choices = options.choices();
      choices.forEach(function (choice) {
        control.appendChild(h("option", { value: choice.value, text: choice.label }));
      });
      const known = choices.some(function (choice) {
        return choice.value === current;
      });
      if (!known) {
        control.appendChild(h("option", { value: current, text: options.unknownLabel(current) }));
      }
      control.value = current;
    }
    fill(options.read());
    control.addEventListener("change", function () {
      if (control.value !== options.read()) {
        options.write(control.value);
      }
    });
    refreshers.push(function () {
      const value = options.read();
      if (control.value !== value) {
        fill(value);
      }
    });
    return { box: fieldBox(id, options.label, control, options.hint || null), control: control };
  }

  function section(title, children) {
    return h("section", { className: "panel-section" }, h("h3", { text: title }), children);
  }

  // ---------------------------------------------------------------- panel: element parts

  function nameControl(element) {
    const lane = isA(element, "bpmn:Lane");
    if (lane) {
      return selectControl({
        name: "lane",
        label: "Rol (naam van de lane)",
        hint: "Een lane is een rol: de taken erin zijn voor gebruikers met die rol.",
        choices: function () {
          return [{ value: "", label: "(kies een rol)" }].concat(
            config.roles.map(function (role) {
              return { value: role.key, label: role.label + " (" + role.key + ")" };
            })
          );
        },
        unknownLabel: function (value) {
          return value + " (geen bekende rol)";
        },
        read: function () {
          return businessObject(element).name || "";
        },
        write: function (value) {
          service("modeling").updateLabel(element, value);
        },
      }).box;
    }
    const annotation = isA(element, "bpmn:TextAnnotation");
    return textControl({
      name: "name",
      label: annotation ? "Tekst" : isA(element, "bpmn:SequenceFlow") ? "Naam (label bij de verbinding)" : "Naam",
      multiline: annotation,
      read: function () {
        const bo = businessObject(element);
        return (annotation ? bo.text : bo.name) || "";
      },
      write: function (value) {
        service("modeling").updateLabel(element, value);
      },
    }).box;
  }

  function formKeyControl(element) {
    return selectControl({
      name: "formkey",
      label: "Formulier",
      hint: "Het formulier dat de gebruiker bij deze taak invult.",
      choices: function () {
        return [{ value: "", label: "(geen formulier)" }].concat(
          config.formKeys.map(function (form) {
            return { value: form.key, label: form.title + " (" + form.key + ")" };
          })
        );
      },
      unknownLabel: function (value) {
        return value + " (onbekend formulier)";
      },
      read: function () {
        return getSpiffProperty(element, "formKey");
      },
      write: function (value) {
        setSpiffProperties(element, { formKey: value });
      },
    }).box;
  }

  function dueControl(element) {
    const base = nextId("due");
    const modes = [
      { key: "none", label: "Geen termijn" },
      { key: "days", label: "Aantal dagen na het klaarzetten van de taak" },
      { key: "date", label: "Datum uit de gegevens van het dossier" },
    ];
    const days = textControl({
      name: "dueindays",
      label: "Aantal dagen",
      type: "number",
      inputmode: "numeric",
      keepWhenEmpty: function () {
        return true;
      },
      validate: function (value) {
        return value === "" || /^\d+$/.test(value) ? "" : "Vul een heel aantal dagen in (0 of meer).";
      },
      read: function () {
        return getSpiffProperty(element, "dueInDays");
      },
      write: function (value) {
        setSpiffProperties(element, { dueInDays: value, dueDate: value ? null : getSpiffProperty(element, "dueDate") });
      },
    });
    days.control.setAttribute("min", "0");
    days.control.setAttribute("step", "1");
    const date = textControl({
      name: "duedate",
      label: "Expressie voor de datum",
      hint: "Een Python-expressie over de dossiergegevens met een datum (ISO), bijvoorbeeld pip_deadline.",
      code: true,
      keepWhenEmpty: function () {
        return true;
      },
      read: function () {
        return getSpiffProperty(element, "dueDate");
      },
      write: function (value) {
        setSpiffProperties(element, { dueDate: value, dueInDays: value ? null : getSpiffProperty(element, "dueInDays") });
      },
    });
    const radios = {};
    const group = h("div", { className: "panel-radios" });
    modes.forEach(function (mode) {
      const radio = h("input", { type: "radio", name: base, id: base + "-" + mode.key, value: mode.key });
      radios[mode.key] = radio;
      group.appendChild(h("label", { for: radio.id, className: "panel-radio" }, radio, " " + mode.label));
    });
    function modelMode() {
      if (getSpiffProperty(element, "dueInDays")) {
        return "days";
      }
      if (getSpiffProperty(element, "dueDate")) {
        return "date";
      }
      return "none";
    }
    function show(mode) {
      days.box.hidden = mode !== "days";
      date.box.hidden = mode !== "date";
    }
    function chosen() {
      const mode = modes.find(function (item) {
        return radios[item.key].checked;
      });
      return mode ? mode.key : "none";
    }
    // Choosing a mode writes what its input holds (or nothing); the other input keeps its
    // text, so arrowing through the radios loses nothing.
    group.addEventListener("change", function () {
      const mode = chosen();
      show(mode);
      const dayValue = days.control.value.trim();
      const dateValue = date.control.value.trim();
      if (mode === "none") {
        setSpiffProperties(element, { dueInDays: null, dueDate: null });
      } else if (mode === "days") {
        setSpiffProperties(element, { dueInDays: /^\d+$/.test(dayValue) ? dayValue : null, dueDate: null });
      } else {
        setSpiffProperties(element, { dueDate: dateValue || null, dueInDays: null });
      }
    });
    function refresh() {
      const mode = modelMode();
      const current = chosen();
      // The model has no due date: keep a freshly chosen mode whose input is still empty.
      const keep =
        mode === "none" &&
        ((current === "days" && !days.control.value.trim()) || (current === "date" && !date.control.value.trim()));
      const effective = keep ? current : mode;
      radios[effective].checked = true;
      show(effective);
    }
    refresh();
    refreshers.push(refresh);
    return h(
      "fieldset",
      { className: "panel-field panel-fieldset" },
      h("legend", { text: "Termijn" }),
      h("p", { className: "helptext", text: "Wanneer de taak klaar moet zijn; gebruik dagen óf een datum, niet allebei." }),
      group,
      days.box,
      date.box
    );
  }

  function milestoneControls(element) {
    const value = textControl({
      name: "milestonevalue",
      label: "Mijlpaal-waarde (optioneel)",
      hint: "Een Python-expressie waarvan de uitkomst met de mijlpaal wordt vastgelegd, bijvoorbeeld leerroute. Leeg: alleen de datum.",
      code: true,
      keepWhenEmpty: function () {
        return !getSpiffProperty(element, "milestone");
      },
      read: function () {
        return getSpiffProperty(element, "milestoneValue");
      },
      write: function (text) {
        setSpiffProperties(element, { milestoneValue: getSpiffProperty(element, "milestone") ? text : null });
      },
    });
    const milestone = selectControl({
      name: "milestone",
      label: "Mijlpaal",
      hint: "Vastgelegd in het dossier wanneer dit element klaar is.",
      choices: function () {
        return [{ value: "", label: "(geen)" }].concat(
          config.milestones.map(function (item) {
            return { value: item.key, label: item.label + (item.required ? " (verplicht)" : "") };
          })
        );
      },
      unknownLabel: function (key) {
        return key + " (onbekende mijlpaal)";
      },
      read: function () {
        return getSpiffProperty(element, "milestone");
      },
      write: function (key) {
        const text = value.control.value.trim();
        setSpiffProperties(element, { milestone: key, milestoneValue: key ? text : null });
      },
    });
    function show() {
      value.box.hidden = !getSpiffProperty(element, "milestone");
    }
    show();
    refreshers.push(show);
    return [milestone.box, value.box];
  }

  function scriptControl(element) {
    return textControl({
      name: "script",
      label: "Script",
      hint: "Python, uitgevoerd in de beperkte omgeving van Wegwijs. Ctrl+Enter of het veld verlaten legt het script vast.",
      multiline: true,
      rows: 10,
      code: true,
      trim: false,
      read: function () {
        return businessObject(element).script || "";
      },
      write: function (value) {
        service("modeling").updateProperties(element, { script: value || undefined });
      },
    }).box;
  }

  function conditionControls(element) {
    const parts = [];
    const bo = businessObject(element);
    const source = element.source;
    const gateway = isA(source, "bpmn:ExclusiveGateway") || isA(source, "bpmn:InclusiveGateway");
    parts.push(
      textControl({
        name: "condition",
        label: "Voorwaarde",
        hint: "Een Python-expressie over de dossiergegevens, bijvoorbeeld bezwaar_uitkomst == \"gegrond\". Leeg: geen voorwaarde.",
        code: true,
        read: function () {
          return (bo.conditionExpression && bo.conditionExpression.body) || "";
        },
        write: function (value) {
          service("modeling").updateProperties(element, {
            conditionExpression: value ? formalExpression(value) : undefined,
          });
        },
      }).box
    );
    if (gateway) {
      const id = nextId("default");
      const checkbox = h("input", { type: "checkbox", id: id });
      function read() {
        return businessObject(source).default === bo;
      }
      checkbox.checked = read();
      checkbox.addEventListener("change", function () {
        service("modeling").updateProperties(source, { default: checkbox.checked ? bo : undefined });
      });
      refreshers.push(function () {
        checkbox.checked = read();
      });
      parts.push(
        h(
          "div",
          { className: "panel-field panel-check" },
          h("label", { for: id, className: "panel-radio" }, checkbox, " Standaardverbinding (als geen voorwaarde klopt)")
        )
      );
    }
    return parts;
  }

  function timerControls(element, timer) {
    function currentKind() {
      const found = TIMER_KINDS.find(function (kind) {
        return timer[kind.key];
      });
      return found ? found.key : "timeDuration";
    }
    function currentBody() {
      const expression = timer[currentKind()];
      return (expression && expression.body) || "";
    }
    function write(kind, body) {
      const changes = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined };
      if (body) {
        changes[kind] = formalExpression(body);
      }
      service("modeling").updateModdleProperties(element, timer, changes);
    }
    const expression = textControl({
      name: "timer",
      label: "Expressie",
      hint: "Een Python-expressie: een duur als \"P12W\" (met aanhalingstekens), een datum of een variabele zoals pip_deadline.",
      code: true,
      read: currentBody,
      write: function (value) {
        write(kindSelect.control.value, value);
      },
    });
    const kindSelect = selectControl({
      name: "timerkind",
      label: "Soort timer",
      choices: function () {
        return TIMER_KINDS.map(function (kind) {
          return { value: kind.key, label: kind.label };
        });
      },
      unknownLabel: function (value) {
        return value;
      },
      read: currentKind,
      write: function (kind) {
        const body = expression.control.value.trim() || currentBody();
        if (body) {
          write(kind, body);
        }
      },
    });
    return [kindSelect.box, expression.box];
  }

  function calledElementControl(element) {
    return textControl({
      name: "called",
      label: "Aangeroepen proces (id)",
      hint: "Het id van het proces dat deze aanroep start.",
      code: true,
      read: function () {
        return businessObject(element).calledElement || "";
      },
      write: function (value) {
        service("modeling").updateProperties(element, { calledElement: value || undefined });
      },
    }).box;
  }

  // ---- actions: keyboard alternatives for dragging in the canvas

  function leafLanes(parent) {
    const lanes = [];
    function walk(node) {
      (node.children || []).forEach(function (child) {
        if (isA(child, "bpmn:Lane")) {
          const nested = (child.children || []).some(function (grand) {
            return isA(grand, "bpmn:Lane");
          });
          if (nested) {
            walk(child);
          } else {
            lanes.push(child);
          }
        }
      });
    }
    walk(parent);
    return lanes;
  }

  function laneOf(shape, lanes) {
    const middle = shape.y + shape.height / 2;
    return lanes.find(function (lane) {
      return middle >= lane.y && middle < lane.y + lane.height;
    });
  }

  function laneControl(element) {
    const parent = element.parent;
    if (!parent || element.host || element.type === "label" || !isFlowNode(element)) {
      return null;
    }
    if (!(isA(parent, "bpmn:Participant") || isA(parent, "bpmn:Process"))) {
      return null;
    }
    const lanes = leafLanes(parent);
    if (lanes.length < 2) {
      return null;
    }
    return selectControl({
      name: "inlane",
      label: "In lane (rol)",
      hint: "Verplaatst het element naar het midden van een andere lane.",
      choices: function () {
        return lanes.map(function (lane) {
          const name = businessObject(lane).name || "";
          return { value: lane.id, label: (roleLabel(name) || name || "(naamloze lane)") + (name ? " (" + name + ")" : "") };
        });
      },
      unknownLabel: function () {
        return "(buiten de lanes)";
      },
      read: function () {
        const lane = laneOf(element, lanes);
        return lane ? lane.id : "";
      },
      write: function (laneId) {
        const lane = lanes.find(function (item) {
          return item.id === laneId;
        });
        if (!lane) {
          return;
        }
        const delta = Math.round(lane.y + lane.height / 2 - (element.y + element.height / 2));
        service("modeling").moveElements([element], { x: 0, y: delta });
      },
    }).box;
  }

  function canAppend(element) {
    return (
      isFlowNode(element) &&
      !isA(element, "bpmn:EndEvent") &&
      !(isA(element, "bpmn:SubProcess") && businessObject(element).triggeredByEvent)
    );
  }

  function appendControl(element) {
    const id = nextId("append");
    const select = h("select", { id: id });
    APPENDABLE.forEach(function (item) {
      select.appendChild(h("option", { value: item.key, text: item.label }));
    });
    const button = h("button", {
      type: "button",
      className: "secondary small",
      text: "Toevoegen",
      onclick: function () {
        const choice = APPENDABLE.find(function (item) {
          return item.key === select.value;
        });
        const shape = service("elementFactory").createShape(Object.assign({}, choice.attrs));
        const created = service("autoPlace").append(element, shape);
        if (created) {
          focusAfterRender = "first";
          service("selection").select(created);
          service("canvas").scrollToElement(created);
          announce(choice.label + " toegevoegd en geselecteerd.");
        }
      },
    });
    return h(
      "div",
      { className: "panel-field" },
      h("label", { for: id, text: "Toevoegen na dit element" }),
      h("div", { className: "panel-inline" }, select, button)
    );
  }

  function connectControl(element) {
    const rules = service("bpmnRules");
    const targets = service("elementRegistry")
      .filter(function (candidate) {
        return candidate !== element && candidate.type !== "label" && isFlowNode(candidate) && Boolean(rules.canConnect(element, candidate));
      })
      .filter(function (candidate) {
        return !(element.outgoing || []).some(function (flow) {
          return flow.target === candidate;
        });
      });
    if (!targets.length) {
      return null;
    }
    const id = nextId("connect");
    const select = h("select", { id: id });
    targets
      .map(function (target) {
        return { id: target.id, label: describe(target) + " – " + kindOf(target) };
      })
      .sort(function (a, b) {
        return a.label.localeCompare(b.label, "nl");
      })
      .forEach(function (item) {
        select.appendChild(h("option", { value: item.id, text: item.label }));
      });
    const button = h("button", {
      type: "button",
      className: "secondary small",
      text: "Verbinden",
      onclick: function () {
        const target = service("elementRegistry").get(select.value);
        const attrs = target && rules.canConnect(element, target);
        if (!attrs) {
          return;
        }
        const connection = service("modeling").connect(element, target, typeof attrs === "object" ? attrs : undefined);
        focusAfterRender = "first";
        service("selection").select(connection);
        announce("Verbinding gemaakt naar " + describe(target) + " en geselecteerd.");
      },
    });
    return h(
      "div",
      { className: "panel-field" },
      h("label", { for: id, text: "Verbinding maken naar" }),
      h("div", { className: "panel-inline" }, select, button)
    );
  }

  function removeControl(element) {
    const name = h("span", { className: "visually-hidden" });
    function refresh() {
      name.textContent = " " + kindOf(element) + " " + describe(element);
    }
    refresh();
    refreshers.push(refresh);
    return h(
      "div",
      { className: "panel-field" },
      h(
        "button",
        {
          type: "button",
          className: "secondary small",
          onclick: function () {
            const what = kindOf(element) + " " + describe(element);
            focusAfterRender = "picker";
            service("modeling").removeElements([element]);
            announce(what + " verwijderd. Ongedaan maken: Ctrl+Z op het canvas of de knop Ongedaan maken.");
          },
        },
        "Verwijderen",
        name
      )
    );
  }

  // ---------------------------------------------------------------- findings

  const findingsByElement = new Map();

  function severityLabel(severity) {
    return severity === "fout" ? "Fout" : "Waarschuwing";
  }

  function findingsList(findings) {
    if (!findings.length) {
      return null;
    }
    return h(
      "section",
      { className: "panel-findings", "aria-label": "Bevindingen bij dit element" },
      h("h3", { text: findings.length === 1 ? "1 bevinding" : findings.length + " bevindingen" }),
      h(
        "ul",
        null,
        findings.map(function (finding) {
          const severity = finding.severity === "fout" ? "fout" : "waarschuwing";
          return h(
            "li",
            { className: "finding finding-" + severity },
            h("strong", { text: severityLabel(severity) + ": " }),
            finding.message || "",
            finding.line ? h("span", { className: "meta", text: " (regel " + finding.line + ")" }) : null,
            finding.hint ? h("span", { className: "finding-hint", text: finding.hint }) : null
          );
        })
      )
    );
  }

  function markFindings() {
    const registry = service("elementRegistry");
    const canvas = service("canvas");
    const overlays = service("overlays");
    (config.findings || []).forEach(function (finding) {
      if (!finding || !finding.element) {
        return;
      }
      const list = findingsByElement.get(finding.element) || [];
      list.push(finding);
      findingsByElement.set(finding.element, list);
    });
    let marked = 0;
    findingsByElement.forEach(function (list, id) {
      const element = registry.get(id);
      if (!element || element === canvas.getRootElement()) {
        return;
      }
      const error = list.some(function (finding) {
        return finding.severity === "fout";
      });
      const severity = error ? "fout" : "waarschuwing";
      canvas.addMarker(element, "wegwijs-" + severity);
      const title = list
        .map(function (finding) {
          return severityLabel(finding.severity === "fout" ? "fout" : "waarschuwing") + ": " + (finding.message || "");
        })
        .join("\n");
      const badge = h("span", { className: "wegwijs-badge wegwijs-badge-" + severity, "aria-hidden": "true", title: title, text: "!" });
      const connection = Boolean(element.waypoints);
      overlays.add(element, "wegwijs-finding", {
        position: connection ? { top: -12, left: -12 } : { top: -10, right: 14 },
        html: badge,
      });
      marked += 1;
    });
    return marked;
  }

  // ---------------------------------------------------------------- the panel

  let picker = null;
  let details = null;
  // After a panel action that changes the selection, where focus goes ("first" control
  // of the new element, or the "picker"), so it is never dropped on the page.
  let focusAfterRender = "";
  let liveRegion = null;
  let shown = null;

  function announce(text) {
    if (!liveRegion) {
      return;
    }
    liveRegion.textContent = "";
    window.setTimeout(function () {
      liveRegion.textContent = text;
    }, 50);
  }

  function currentElement() {
    const selected = service("selection").get();
    if (selected.length !== 1) {
      return null;
    }
    const element = selected[0];
    return element.type === "label" && element.labelTarget ? element.labelTarget : element;
  }

  function buildPanelFrame() {
    const id = "element-picker";
    picker = h("select", { id: id });
    picker.addEventListener("change", function () {
      const element = picker.value ? service("elementRegistry").get(picker.value) : null;
      if (element) {
        service("selection").select(element);
        service("canvas").scrollToElement(element, { top: 80, bottom: 80, left: 80, right: 80 });
      } else {
        service("selection").select(null);
      }
    });
    details = h("div", { className: "panel-details" });
    liveRegion = h("p", { className: "visually-hidden", role: "status" });
    panelBody.textContent = "";
    panelBody.appendChild(
      h(
        "div",
        { className: "panel-field panel-picker" },
        h("label", { for: id, text: "Element kiezen" }),
        h("p", { id: id + "-hint", className: "helptext", text: "Of klik een element aan in het diagram." }),
        picker
      )
    );
    picker.setAttribute("aria-describedby", id + "-hint");
    panelBody.appendChild(details);
    panelBody.appendChild(liveRegion);
  }

  function fillPicker() {
    const registry = service("elementRegistry");
    const root = service("canvas").getRootElement();
    const groups = [
      { label: "Lanes en pools", items: [] },
      { label: "Taken, gebeurtenissen en gateways", items: [] },
      { label: "Verbindingen", items: [] },
      { label: "Overig", items: [] },
    ];
    registry.forEach(function (element) {
      if (element === root || element.type === "label" || !element.businessObject || element.type === "__implicitroot") {
        return;
      }
      if (isA(element, "bpmn:Process") || isA(element, "bpmn:Collaboration")) {
        return;
      }
      const item = { id: element.id, label: describe(element) + " – " + kindOf(element) };
      if (isA(element, "bpmn:Lane") || isA(element, "bpmn:Participant")) {
        groups[0].items.push(item);
      } else if (isFlowNode(element)) {
        groups[1].items.push(item);
      } else if (element.waypoints) {
        groups[2].items.push(item);
      } else {
        groups[3].items.push(item);
      }
    });
    const current = currentElement();
    picker.textContent = "";
    picker.appendChild(h("option", { value: "", text: "(niets – het proces zelf)" }));
    groups.forEach(function (group) {
      if (!group.items.length) {
        return;
      }
      group.items.sort(function (a, b) {
        return a.label.localeCompare(b.label, "nl");
      });
      const optgroup = h("optgroup", { label: group.label });
      group.items.forEach(function (item) {
        optgroup.appendChild(h("option", { value: item.id, text: item.label }));
      });
      picker.appendChild(optgroup);
    });
    picker.value = current ? current.id : "";
  }

  function rootProcesses(root) {
    const bo = businessObject(root);
    if (!bo) {
      return [];
    }
    if (bo.$instanceOf("bpmn:Collaboration")) {
      return (bo.participants || [])
        .map(function (participant) {
          return participant.processRef;
        })
        .filter(Boolean);
    }
    return [bo];
  }

  function renderRoot() {
    const root = service("canvas").getRootElement();
    const processes = rootProcesses(root);
    const parts = [h("p", { className: "panel-kind" }, h("strong", { text: "Proces" }))];
    processes.forEach(function (process) {
      parts.push(
        h("p", { className: "panel-id" }, "Id: ", h("code", { text: process.id }))
      );
      parts.push(
        textControl({
          name: "processname",
          label: processes.length > 1 ? "Naam van proces " + process.id : "Naam van het proces",
          read: function () {
            return process.name || "";
          },
          write: function (value) {
            service("modeling").updateModdleProperties(root, process, { name: value || undefined });
          },
        }).box
      );
    });
    const rootFindings = [];
    [businessObject(root).id].concat(processes.map(function (process) {
      return process.id;
    })).forEach(function (id) {
      (findingsByElement.get(id) || []).forEach(function (finding) {
        rootFindings.push(finding);
      });
    });
    details.appendChild(findingsList(rootFindings) || document.createTextNode(""));
    append(details, parts);
    details.appendChild(
      h(
        "div",
        { className: "panel-help" },
        h("p", {
          text:
            "Kies een element in het diagram of in de lijst hierboven om het te bewerken. Lanes zijn rollen; " +
            "een gebruikerstaak staat in de lane van de rol die haar uitvoert en heeft een formulier nodig.",
        }),
        h("p", {
          text:
            "Nieuwe elementen sleept u uit de gereedschapsbalk links in het diagram, of u voegt ze toe met " +
            "'Toevoegen na dit element' bij een geselecteerd element. Wijzigingen worden pas bewaard met 'Opslaan in concept'.",
        })
      )
    );
  }

  function renderElement(element) {
    const bo = businessObject(element);
    details.appendChild(findingsList(findingsByElement.get(element.id) || []) || document.createTextNode(""));
    details.appendChild(h("p", { className: "panel-kind" }, h("strong", { text: kindOf(element) })));
    details.appendChild(h("p", { className: "panel-id" }, "Id: ", h("code", { text: element.id })));

    const properties = [];
    const canName = !isA(element, "bpmn:DataInputAssociation") && !isA(element, "bpmn:DataOutputAssociation") && !isA(element, "bpmn:Association");
    if (canName) {
      properties.push(nameControl(element));
    }
    if (isA(element, "bpmn:UserTask")) {
      properties.push(formKeyControl(element));
      properties.push(dueControl(element));
    }
    if (isA(element, "bpmn:ScriptTask")) {
      properties.push(scriptControl(element));
    }
    if (isA(element, "bpmn:CallActivity")) {
      properties.push(calledElementControl(element));
    }
    if (isA(element, "bpmn:SequenceFlow")) {
      properties.push(conditionControls(element));
    }
    const timer = eventDefinition(bo, "bpmn:TimerEventDefinition");
    if (timer) {
      properties.push(section("Timer", timerControls(element, timer)));
    }
    if (isFlowNode(element)) {
      properties.push(section("Mijlpaal", milestoneControls(element)));
    }
    append(details, properties);

    const actions = [];
    if (isFlowNode(element)) {
      actions.push(laneControl(element));
    }
    if (canAppend(element)) {
      actions.push(appendControl(element));
      actions.push(connectControl(element));
    }
    if (element !== service("canvas").getRootElement()) {
      actions.push(removeControl(element));
    }
    const usable = actions.filter(Boolean);
    if (usable.length) {
      details.appendChild(section("Acties", usable));
    }
  }

  function renderPanel() {
    const element = currentElement();
    refreshers = [];
    shown = element;
    details.textContent = "";
    if (element) {
      renderElement(element);
    } else {
      renderRoot();
    }
    if (picker) {
      picker.value = element ? element.id : "";
    }
    const focus = focusAfterRender;
    focusAfterRender = "";
    if (focus === "picker" && picker) {
      picker.focus();
    } else if (focus === "first") {
      const first = details.querySelector("input, select, textarea");
      (first || picker).focus();
    }
  }

  function refreshPanel() {
    refreshers.forEach(function (refresh) {
      refresh();
    });
  }

  // ---------------------------------------------------------------- toolbar

  let undoButton = null;
  let redoButton = null;

  function toolButton(label, hiddenLabel, action) {
    const button = h("button", { type: "button", className: "secondary small" }, label);
    if (hiddenLabel) {
      button.appendChild(h("span", { className: "visually-hidden", text: hiddenLabel }));
    }
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-disabled") === "true") {
        return;
      }
      action();
    });
    return button;
  }

  function buildToolbar() {
    const zoomScroll = service("zoomScroll");
    const canvas = service("canvas");
    const commandStack = service("commandStack");
    undoButton = toolButton("Ongedaan maken", null, function () {
      commandStack.undo();
    });
    redoButton = toolButton("Opnieuw", null, function () {
      commandStack.redo();
    });
    const toolbar = h(
      "div",
      { className: "modeler-toolbar", role: "toolbar", "aria-label": "Diagram" },
      toolButton("Inzoomen", null, function () {
        zoomScroll.stepZoom(1);
      }),
      toolButton("Uitzoomen", null, function () {
        zoomScroll.stepZoom(-1);
      }),
      toolButton("Passend", " maken: het hele diagram tonen", function () {
        canvas.zoom("fit-viewport", "auto");
      }),
      undoButton,
      redoButton,
      h(
        "details",
        { className: "modeler-keys" },
        h("summary", { text: "Sneltoetsen" }),
        h(
          "ul",
          null,
          h("li", { text: "Tab naar het diagram; Ctrl+F zoekt een element op naam." }),
          h("li", { text: "Pijltjestoetsen verschuiven het diagram; met een selectie verplaatsen ze het element." }),
          h("li", { text: "Delete verwijdert, E bewerkt de naam, R wijzigt de soort." }),
          h("li", { text: "Ctrl+Z maakt ongedaan, Ctrl+Y doet opnieuw; Ctrl + / Ctrl - zoomt." })
        )
      )
    );
    const layout = container.closest(".modeler-layout") || container;
    layout.parentNode.insertBefore(toolbar, layout);
    updateToolbar();
  }

  function updateToolbar() {
    const commandStack = service("commandStack");
    if (undoButton) {
      undoButton.setAttribute("aria-disabled", String(!commandStack.canUndo()));
      redoButton.setAttribute("aria-disabled", String(!commandStack.canRedo()));
    }
  }

  // ---------------------------------------------------------------- save and leave

  function onCommandStackChanged() {
    dirty = layoutGenerated || service("commandStack").canUndo();
    container.dataset.dirty = String(dirty);
    updateToolbar();
    updateStatus();
  }

  function bindSave() {
    if (!saveForm) {
      return;
    }
    saveForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!ready || saving) {
        return;
      }
      saving = true;
      setSaveEnabled(false);
      setStatus("Het procesmodel wordt opgeslagen…");
      modeler
        .saveXML({ format: true })
        .then(function (result) {
          xmlField.value = result.xml;
          HTMLFormElement.prototype.submit.call(saveForm);
        })
        .catch(function (error) {
          saving = false;
          setSaveEnabled(true);
          setStatus("Opslaan is mislukt: " + error.message, "error");
        });
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !saving) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  // ---------------------------------------------------------------- proefrit coverage

  // The latest proefrit's coverage (config.coverage: driven and missed element ids,
  // steps as [from, to] pairs): driven elements and the sequence flows between two
  // driven steps get a green outline, elements no path reached a grey dashed one.
  // The legend above the modeler says the same in words.
  function markCoverage() {
    const coverage = config.coverage;
    if (!coverage) {
      return 0;
    }
    const registry = service("elementRegistry");
    const canvas = service("canvas");
    const steps = new Set(
      (coverage.steps || []).map(function (pair) {
        return pair[0] + "→" + pair[1];
      })
    );
    let marked = 0;
    (coverage.driven || []).forEach(function (id) {
      const element = registry.get(id);
      if (element) {
        canvas.addMarker(element, "wegwijs-driven");
        marked += 1;
      }
    });
    (coverage.missed || []).forEach(function (id) {
      const element = registry.get(id);
      if (element) {
        canvas.addMarker(element, "wegwijs-missed");
      }
    });
    registry
      .filter(function (element) {
        return element.type === "bpmn:SequenceFlow";
      })
      .forEach(function (flow) {
        if (flow.source && flow.target && steps.has(flow.source.id + "→" + flow.target.id)) {
          canvas.addMarker(flow, "wegwijs-driven");
        }
      });
    return marked;
  }

  // ---------------------------------------------------------------- start

  function fail(message, warnings) {
    setStatus("Het procesmodel kan niet worden bewerkt: " + message + " Opslaan is niet mogelijk.", "error");
    setSaveEnabled(false);
    container.dataset.warnings = String(warnings || 0);
    container.dataset.findings = "0";
    container.dataset.import = "error";
  }

  function start() {
    if (typeof window.BpmnJS !== "function") {
      fail("de editor (bpmn-js) is niet geladen.", 0);
      return;
    }
    let xml;
    let descriptor;
    try {
      xml = readJson("diagram-xml");
      descriptor = readJson("spiff-moddle");
      // Embedded as a dict or as the file's text: accept both.
      if (typeof descriptor === "string") {
        descriptor = JSON.parse(descriptor);
      }
      let given = readJson("modeler-config") || {};
      if (typeof given === "string") {
        given = JSON.parse(given);
      }
      config = {
        formKeys: given.formKeys || [],
        milestones: given.milestones || [],
        roles: given.roles || [],
        findings: given.findings || [],
        coverage: given.coverage || null,
      };
    } catch (error) {
      fail(error.message + ".", 0);
      return;
    }
    if (typeof xml !== "string" || !xml.trim()) {
      fail("er is geen diagram om te tonen.", 0);
      return;
    }
    setStatus("Het procesmodel wordt geladen…");
    modeler = new window.BpmnJS({
      container: container,
      moddleExtensions: { spiffworkflow: extendDescriptor(descriptor, xml) },
      additionalModules: [translateModule],
    });
    // A diagram without a drawing (from a generator or another modeler) is laid
    // out here first (auto-layout.js); saving keeps that layout in the draft.
    let generatedLayout = false;
    const layout = window.WegwijsLayout ? window.WegwijsLayout.ensure(xml) : Promise.resolve({ xml: xml, generated: false });
    layout
      .then(function (prepared) {
        generatedLayout = prepared.generated;
        return modeler.importXML(prepared.xml);
      })
      .then(function (result) {
        const canvas = service("canvas");
        canvas.zoom("fit-viewport", "auto");
        const svg = container.querySelector("svg");
        if (svg) {
          svg.setAttribute("aria-label", "Diagram; Tab hierheen en gebruik de sneltoetsen, of kies een element in het paneel Eigenschappen");
          svg.setAttribute("role", "application");
        }
        const serious = result.warnings.filter(function (warning) {
          return !/^unknown attribute/.test(warning.message);
        });
        result.warnings.forEach(function (warning) {
          console.warn("bpmn-js:", warning.message);
        });
        if (serious.length) {
          warningText =
            "Let op: " +
            (serious.length === 1 ? "1 onderdeel" : serious.length + " onderdelen") +
            " van het bestand kon" +
            (serious.length === 1 ? "" : "den") +
            " niet worden gelezen en gaa" +
            (serious.length === 1 ? "t" : "n") +
            " verloren bij opslaan (" +
            serious[0].message.split("\n")[0] +
            ").";
        }
        buildToolbar();
        buildPanelFrame();
        const marked = markFindings();
        container.dataset.driven = String(markCoverage());
        fillPicker();
        renderPanel();

        const eventBus = service("eventBus");
        guardLaneRefs(eventBus);
        dutchLaneLabels(eventBus);
        eventBus.on("selection.changed", function () {
          renderPanel();
        });
        eventBus.on("elements.changed", function () {
          const current = currentElement();
          if (current !== shown) {
            renderPanel();
          } else {
            refreshPanel();
          }
          fillPicker();
        });
        eventBus.on("commandStack.changed", onCommandStackChanged);

        bindSave();
        ready = true;
        setSaveEnabled(true);
        updateStatus();
        container.dataset.findings = String(marked);
        container.dataset.warnings = String(result.warnings.length);
        container.dataset.import = "ok";
        container.dataset.layout = generatedLayout ? "generated" : "given";
        if (generatedLayout) {
          layoutGenerated = true;
          dirty = true;
          container.dataset.dirty = "true";
          updateStatus();
        }
      })
      .catch(function (error) {
        console.error(error);
        fail("het diagram kon niet worden gelezen (" + String(error.message).split("\n")[0] + ").", (error.warnings || []).length);
      });
  }

  start();
})();
