/* Wegwijs form editor: a structured editor over the JSON form definition in
   #form-definition, with a live preview rendered by the server.

   Without JavaScript the page is a textarea with the JSON (the fallback). With it, the
   textarea is hidden but stays in the form and is rewritten on every change (2-space
   JSON, the key order of forms/definitions/*.json), so what is posted is always what the
   editor shows. Keys the editor does not know are kept as they are.

   Contract: <form id="form-editor" data-preview-url=...> holding the csrf token,
   textarea#form-definition and div#form-editor-ui; div#form-preview; and
   <script type="application/json" id="form-editor-config">
   {fieldTypes, privacyClasses, milestones, roles} (lists of {key, label}). */
(function () {
  "use strict";

  const FORM_ORDER = ["key", "title", "description", "steps"];
  const STEP_ORDER = ["title", "fields"];
  const FIELD_ORDER = [
    "name", "type", "label", "required", "privacy", "routing",
    "choices", "min", "max", "decimals", "role", "milestone", "field_role", "voor_statushouder", "help",
  ];
  const TYPE_KEYS = {
    number: ["min", "max", "decimals"],
    choice: ["choices"],
    multichoice: ["choices"],
    gebruiker: ["role"],
  };
  const ALL_TYPE_KEYS = ["choices", "min", "max", "decimals", "role"];
  // Which field types may carry a milestone of each value type (forms/registry.py);
  // used only when the config tells a milestone's value type.
  const MILESTONE_FIELD_TYPES = { datum: ["date"], janee: ["yesno"], gebruiker: ["gebruiker"], keuze: ["choice"] };
  const ENGINE_PRIVACY = "normaal";
  const PREVIEW_DELAY = 400;

  const form = document.getElementById("form-editor");
  const textarea = document.getElementById("form-definition");
  const ui = document.getElementById("form-editor-ui");
  const preview = document.getElementById("form-preview");
  if (!form || !textarea || !ui) {
    return;
  }
  const previewUrl = form.dataset.previewUrl || "";
  const textareaLabel = form.querySelector('label[for="form-definition"]');

  let config = { fieldTypes: [], privacyClasses: [], milestones: [], roles: [], fieldRoles: [] };
  try {
    const node = document.getElementById("form-editor-config");
    const given = node ? JSON.parse(node.textContent) : {};
    config = {
      fieldTypes: given.fieldTypes || [],
      privacyClasses: given.privacyClasses || [],
      milestones: given.milestones || [],
      roles: given.roles || [],
      fieldRoles: given.fieldRoles || [],
    };
  } catch (error) {
    console.error("form-editor-config:", error);
  }

  let definition = null;
  let changed = false;
  let submitting = false;
  let jsonBroken = false;
  let jsonVisible = false;
  let liveRegion = null;
  let editorRoot = null;
  let jsonButton = null;
  let jsonMessage = null;

  // ------------------------------------------------------------------ helpers

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

  function announce(text) {
    if (!liveRegion) {
      return;
    }
    liveRegion.textContent = "";
    window.setTimeout(function () {
      liveRegion.textContent = text;
    }, 50);
  }

  function isPlainObject(value) {
    return Boolean(value) && typeof value === "object" && !Array.isArray(value);
  }

  function isScalar(value) {
    return value === null || typeof value !== "object";
  }

  // ------------------------------------------------------------------ JSON text

  function ordered(object, order) {
    const result = {};
    order.forEach(function (key) {
      if (Object.prototype.hasOwnProperty.call(object, key)) {
        result[key] = object[key];
      }
    });
    Object.keys(object).forEach(function (key) {
      if (!Object.prototype.hasOwnProperty.call(result, key)) {
        result[key] = object[key];
      }
    });
    return result;
  }

  function canonical(value) {
    const top = ordered(value, FORM_ORDER);
    if (Array.isArray(top.steps)) {
      top.steps = top.steps.map(function (step) {
        if (!isPlainObject(step)) {
          return step;
        }
        const result = ordered(step, STEP_ORDER);
        if (Array.isArray(result.fields)) {
          result.fields = result.fields.map(function (field) {
            return isPlainObject(field) ? ordered(field, FIELD_ORDER) : field;
          });
        }
        return result;
      });
    }
    return top;
  }

  // Like json.dumps(indent=2) but with arrays of plain values on one line, as the
  // shipped files write their choices: ["b1", "B1-route"].
  function format(value, indent) {
    const inner = indent + "  ";
    if (Array.isArray(value)) {
      if (!value.length) {
        return "[]";
      }
      if (value.every(isScalar)) {
        return "[" + value.map(function (item) {
          return JSON.stringify(item);
        }).join(", ") + "]";
      }
      return "[\n" + value.map(function (item) {
        return inner + format(item, inner);
      }).join(",\n") + "\n" + indent + "]";
    }
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      if (!keys.length) {
        return "{}";
      }
      return "{\n" + keys.map(function (key) {
        return inner + JSON.stringify(key) + ": " + format(value[key], inner);
      }).join(",\n") + "\n" + indent + "}";
    }
    return JSON.stringify(value);
  }

  function serialize(value) {
    return format(canonical(value), "") + "\n";
  }

  /* What stops the structured editor from showing a parsed document, in Dutch; "" if
     it can. Missing or wrong values inside fields are for the server to report. */
  function structureProblem(value) {
    if (!isPlainObject(value)) {
      return "het bestand is geen JSON-object.";
    }
    if (!Array.isArray(value.steps)) {
      return "'steps' ontbreekt of is geen lijst.";
    }
    for (let index = 0; index < value.steps.length; index += 1) {
      const step = value.steps[index];
      if (!isPlainObject(step)) {
        return "stap " + (index + 1) + " is geen object.";
      }
      if (step.fields !== undefined && !Array.isArray(step.fields)) {
        return "'fields' van stap " + (index + 1) + " is geen lijst.";
      }
      const fields = step.fields || [];
      for (let number = 0; number < fields.length; number += 1) {
        if (!isPlainObject(fields[number])) {
          return "veld " + (number + 1) + " van stap " + (index + 1) + " is geen object.";
        }
        const choices = fields[number].choices;
        if (choices !== undefined && !(Array.isArray(choices) && choices.every(Array.isArray))) {
          return "de keuzes van veld " + (number + 1) + " van stap " + (index + 1) + " zijn geen lijst van [waarde, label].";
        }
      }
    }
    return "";
  }

  function parseText(text) {
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { error: "de JSON is ongeldig (" + error.message + ")." };
    }
    const problem = structureProblem(value);
    return problem ? { error: problem } : { value: value };
  }

  // ------------------------------------------------------------------ model changes

  function changedModel(options) {
    changed = true;
    if (!jsonBroken) {
      textarea.value = serialize(definition);
    }
    schedulePreview();
    if (options && options.render) {
      render(options.focus);
    }
  }

  const uids = new WeakMap();
  let uidCounter = 0;
  function uid(object) {
    if (!uids.has(object)) {
      uidCounter += 1;
      uids.set(object, "fe" + uidCounter);
    }
    return uids.get(object);
  }

  // Values a field had for another type: switching back restores them.
  const stashes = new WeakMap();
  // New fields take their name from the label until the name is edited.
  const autoNamed = new WeakSet();

  function steps() {
    return definition.steps;
  }

  function fieldsOf(step) {
    if (!Array.isArray(step.fields)) {
      step.fields = [];
    }
    return step.fields;
  }

  function allFields() {
    const result = [];
    steps().forEach(function (step) {
      fieldsOf(step).forEach(function (field) {
        result.push(field);
      });
    });
    return result;
  }

  function locate(field) {
    const list = steps();
    for (let index = 0; index < list.length; index += 1) {
      const position = fieldsOf(list[index]).indexOf(field);
      if (position >= 0) {
        return { step: index, index: position };
      }
    }
    return null;
  }

  function slug(text) {
    const base = String(text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 40)
      .replace(/_+$/, "");
    return /^[a-z]/.test(base) ? base : "veld" + (base ? "_" + base : "");
  }

  function uniqueName(base, except) {
    const taken = new Set(
      allFields()
        .filter(function (field) {
          return field !== except;
        })
        .map(function (field) {
          return field.name;
        })
    );
    let name = base;
    let counter = 2;
    while (taken.has(name)) {
      name = base + "_" + counter;
      counter += 1;
    }
    return name;
  }

  function nameProblem(field) {
    const name = typeof field.name === "string" ? field.name : "";
    if (!name) {
      return "Vul een naam in.";
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      return "Gebruik letters, cijfers en _, en begin met een letter.";
    }
    const twins = allFields().filter(function (other) {
      return other.name === name;
    });
    return twins.length > 1 ? "Deze naam komt vaker voor in dit formulier." : "";
  }

  function numberValue(text, integer) {
    const trimmed = text.trim().replace(",", ".");
    if (!trimmed) {
      return { empty: true };
    }
    const pattern = integer ? /^\d+$/ : /^-?\d+(\.\d+)?$/;
    if (pattern.test(trimmed)) {
      return { value: Number(trimmed) };
    }
    return { invalid: true, value: text.trim() };
  }

  function setType(field, type) {
    const stash = stashes.get(field) || {};
    ALL_TYPE_KEYS.forEach(function (key) {
      if (Object.prototype.hasOwnProperty.call(field, key)) {
        stash[key] = field[key];
        delete field[key];
      }
    });
    field.type = type;
    (TYPE_KEYS[type] || []).forEach(function (key) {
      if (Object.prototype.hasOwnProperty.call(stash, key)) {
        field[key] = stash[key];
      }
    });
    if ((type === "choice" || type === "multichoice") && !Array.isArray(field.choices)) {
      field.choices = [["", ""]];
    }
    if (type === "gebruiker" && !field.role && config.roles.length) {
      field.role = config.roles[0].key;
    }
    stashes.set(field, stash);
  }

  function setOptional(object, key, value) {
    if (value === "" || value === null || value === undefined || value === false) {
      delete object[key];
    } else {
      object[key] = value;
    }
  }

  // ------------------------------------------------------------------ controls

  function describedBy(control, ids) {
    const list = ids.filter(Boolean);
    if (list.length) {
      control.setAttribute("aria-describedby", list.join(" "));
    }
  }

  function textField(options) {
    const control = options.multiline
      ? h("textarea", { id: options.id, rows: options.rows || 3, className: options.code ? "code" : null })
      : h("input", {
          id: options.id,
          type: "text",
          inputmode: options.inputmode || null,
          autocomplete: "off",
          spellcheck: options.code ? "false" : null,
          className: options.code ? "code" : null,
        });
    control.value = options.value === undefined || options.value === null ? "" : String(options.value);
    const hintId = options.hint ? options.id + "-hint" : null;
    const errorId = options.id + "-error";
    describedBy(control, [hintId, errorId]);
    control.addEventListener("input", function () {
      options.onInput(control.value, control);
    });
    const error = h("p", { id: errorId, className: "fe-invalid", hidden: true });
    return h(
      "div",
      { className: "field" + (options.wide ? " fe-wide" : "") },
      h("label", { for: options.id }, options.label, options.optional ? h("span", { className: "optional", text: " (optioneel)" }) : null),
      options.hint ? h("span", { id: hintId, className: "helptext", text: options.hint }) : null,
      control,
      error
    );
  }

  function setError(id, message) {
    const control = document.getElementById(id);
    const error = document.getElementById(id + "-error");
    if (!control || !error) {
      return;
    }
    error.textContent = message || "";
    error.hidden = !message;
    if (message) {
      control.setAttribute("aria-invalid", "true");
    } else {
      control.removeAttribute("aria-invalid");
    }
  }

  function selectField(options) {
    const control = h("select", { id: options.id });
    const choices = options.choices.slice();
    const current = options.value === undefined || options.value === null ? "" : String(options.value);
    if (
      !choices.some(function (choice) {
        return choice.value === current;
      })
    ) {
      choices.push({ value: current, label: current + " (onbekend)" });
    }
    choices.forEach(function (choice) {
      control.appendChild(h("option", { value: choice.value, text: choice.label }));
    });
    control.value = current;
    const hintId = options.hint ? options.id + "-hint" : null;
    describedBy(control, [hintId]);
    control.addEventListener("change", function () {
      options.onChange(control.value, control);
    });
    return h(
      "div",
      { className: "field" + (options.wide ? " fe-wide" : "") },
      h("label", { for: options.id, text: options.label }),
      options.hint ? h("span", { id: hintId, className: "helptext", text: options.hint }) : null,
      control
    );
  }

  function checkField(options) {
    const control = h("input", { type: "checkbox", id: options.id });
    control.checked = Boolean(options.value);
    const hintId = options.hint ? options.id + "-hint" : null;
    describedBy(control, [hintId]);
    control.addEventListener("change", function () {
      options.onChange(control.checked, control);
    });
    return h(
      "div",
      { className: "field" },
      h("label", { for: options.id, className: "fe-check" }, control, " " + options.label),
      options.hint ? h("span", { id: hintId, className: "helptext", text: options.hint }) : null,
      options.extra || null
    );
  }

  function button(text, hidden, onClick, extra) {
    const node = h("button", Object.assign({ type: "button", className: "secondary small" }, extra || {}), text);
    if (hidden) {
      node.appendChild(h("span", { className: "visually-hidden fe-name", text: hidden }));
    }
    node.addEventListener("click", onClick);
    return node;
  }

  function options(list, withEmpty) {
    const result = withEmpty ? [{ value: "", label: withEmpty }] : [];
    return result.concat(
      list.map(function (item) {
        return { value: item.key, label: item.label };
      })
    );
  }

  // ------------------------------------------------------------------ rendering

  function fieldTitle(field) {
    return (typeof field.label === "string" && field.label.trim()) || field.name || "(nieuw veld)";
  }

  function stepTitle(step, index) {
    return (typeof step.title === "string" && step.title.trim()) || "Stap " + (index + 1);
  }

  function routingNote(field) {
    if (!field.routing) {
      return "";
    }
    const problems = [];
    if (field.privacy !== ENGINE_PRIVACY) {
      problems.push("privacyklasse ‘" + ENGINE_PRIVACY + "’");
    }
    if (!field.required) {
      problems.push("verplicht");
    }
    return problems.length ? "een routeringsveld moet " + problems.join(" en ") + " zijn, anders krijgt het proces het antwoord niet." : "";
  }

  function updateRoutingNote(field) {
    const note = document.getElementById(uid(field) + "-routing-note");
    if (note) {
      const text = routingNote(field);
      note.textContent = text;
      note.hidden = !text;
    }
  }

  function updateNameErrors() {
    allFields().forEach(function (field) {
      setError(uid(field) + "-name", nameProblem(field));
    });
  }

  function updateFieldTitles(field) {
    const id = uid(field);
    const title = fieldTitle(field);
    const legend = document.getElementById(id + "-title");
    if (legend) {
      legend.textContent = title;
    }
    const box = document.getElementById(id);
    if (box) {
      Array.prototype.forEach.call(box.querySelectorAll(".fe-name[data-of='" + id + "']"), function (span) {
        span.textContent = span.dataset.prefix + title;
      });
    }
  }

  function milestoneChoices(field) {
    const allowed = config.milestones.filter(function (milestone) {
      const kind = milestone.value || milestone.waarde;
      if (milestone.key === field.milestone || !kind) {
        return true;
      }
      const types = MILESTONE_FIELD_TYPES[kind];
      return Boolean(types) && types.indexOf(field.type) >= 0;
    });
    return [{ value: "", label: "(geen)" }].concat(
      allowed.map(function (milestone) {
        return { value: milestone.key, label: milestone.label + (milestone.required ? " (verplicht)" : "") };
      })
    );
  }

  // The field roles (forms/field_roles.py) a field of this type can carry.
  function fieldRoleChoices(field) {
    const allowed = config.fieldRoles.filter(function (role) {
      return role.key === field.field_role || (role.types || []).indexOf(field.type) >= 0;
    });
    return [{ value: "", label: "(geen)" }].concat(
      allowed.map(function (role) {
        return { value: role.key, label: role.label + (role.needed ? " (nodig in ‘" + role.needed + "’)" : "") };
      })
    );
  }

  function choicesEditor(field) {
    const id = uid(field);
    const rows = field.choices;
    const list = h("div", { className: "fe-choice-list" });
    rows.forEach(function (choice, index) {
      const base = id + "-choice-" + index;
      const number = " van keuze " + (index + 1);
      const valueInput = h("input", { type: "text", id: base + "-value", className: "code", autocomplete: "off", spellcheck: "false" });
      valueInput.value = choice[0] === undefined ? "" : String(choice[0]);
      valueInput.addEventListener("input", function () {
        choice[0] = valueInput.value;
        changedModel();
      });
      const labelInput = h("input", { type: "text", id: base + "-label", autocomplete: "off" });
      labelInput.value = choice[1] === undefined ? "" : String(choice[1]);
      labelInput.addEventListener("input", function () {
        choice[1] = labelInput.value;
        changedModel();
      });
      list.appendChild(
        h(
          "div",
          { className: "fe-choice" },
          h("div", null, h("label", { for: valueInput.id }, "Waarde", h("span", { className: "visually-hidden", text: number })), valueInput),
          h("div", null, h("label", { for: labelInput.id }, "Label", h("span", { className: "visually-hidden", text: number })), labelInput),
          button("Verwijderen", " keuze " + (index + 1) + " van " + fieldTitle(field), function () {
            rows.splice(index, 1);
            const next = rows.length ? id + "-choice-" + Math.min(index, rows.length - 1) + "-value" : id + "-add-choice";
            changedModel({ render: true, focus: next });
            announce("Keuze " + (index + 1) + " verwijderd.");
          })
        )
      );
    });
    return h(
      "fieldset",
      { className: "fe-choices fe-wide" },
      h("legend", { text: "Keuzes" }),
      h("p", { className: "helptext", text: "De waarde komt in de dossiergegevens (en in voorwaarden van het diagram); het label ziet de gebruiker." }),
      list,
      button("Keuze toevoegen", " aan " + fieldTitle(field), function () {
        rows.push(["", ""]);
        changedModel({ render: true, focus: id + "-choice-" + (rows.length - 1) + "-value" });
      }, { id: id + "-add-choice" })
    );
  }

  function numberEditor(field) {
    const id = uid(field);
    function numberInput(key, label, integer, hint) {
      return textField({
        id: id + "-" + key,
        label: label,
        optional: true,
        hint: hint,
        inputmode: integer ? "numeric" : "decimal",
        value: field[key],
        onInput: function (text) {
          const parsed = numberValue(text, integer);
          setOptional(field, key, parsed.empty ? null : parsed.value);
          setError(id + "-" + key, parsed.invalid ? (integer ? "Vul een heel getal in (0 of meer)." : "Vul een getal in, bijvoorbeeld 12 of 2.5.") : "");
          changedModel();
        },
      });
    }
    return h(
      "div",
      { className: "fe-numbers fe-wide" },
      numberInput("min", "Minimum", false),
      numberInput("max", "Maximum", false),
      numberInput("decimals", "Decimalen", true, "Aantal cijfers achter de komma; leeg is 0.")
    );
  }

  function renderField(field, stepIndex, fieldIndex, isFirst, isLast) {
    const id = uid(field);
    const title = fieldTitle(field);
    function named(prefix) {
      return h("span", { className: "visually-hidden fe-name", "data-of": id, "data-prefix": prefix, text: prefix + title });
    }
    const grid = h("div", { className: "fe-grid" });
    grid.appendChild(
      textField({
        id: id + "-label",
        label: "Label (de vraag)",
        value: field.label,
        wide: true,
        onInput: function (text) {
          field.label = text;
          if (autoNamed.has(field)) {
            field.name = uniqueName(slug(text), field);
            const nameInput = document.getElementById(id + "-name");
            if (nameInput) {
              nameInput.value = field.name;
            }
            updateNameErrors();
          }
          updateFieldTitles(field);
          changedModel();
        },
      })
    );
    grid.appendChild(
      textField({
        id: id + "-name",
        label: "Naam (in de dossiergegevens)",
        hint: "Letters, cijfers en _, beginnend met een letter; voorwaarden in het diagram gebruiken deze naam.",
        code: true,
        value: field.name,
        onInput: function (text) {
          autoNamed.delete(field);
          field.name = text.trim();
          updateNameErrors();
          if (!(typeof field.label === "string" && field.label.trim())) {
            updateFieldTitles(field);
          }
          changedModel();
        },
      })
    );
    grid.appendChild(
      selectField({
        id: id + "-type",
        label: "Soort veld",
        value: field.type,
        choices: options(config.fieldTypes),
        onChange: function (value) {
          setType(field, value);
          changedModel({ render: true, focus: id + "-type" });
        },
      })
    );
    grid.appendChild(
      selectField({
        id: id + "-privacy",
        label: "Privacyklasse",
        hint: "Alleen ‘normaal’ gaat naar het proces; de andere klassen blijven bij het ingevulde formulier.",
        value: field.privacy,
        choices: options(config.privacyClasses),
        onChange: function (value) {
          field.privacy = value;
          updateRoutingNote(field);
          changedModel();
        },
      })
    );
    grid.appendChild(
      checkField({
        id: id + "-required",
        label: "Verplicht",
        value: field.required,
        onChange: function (checked) {
          field.required = checked;
          updateRoutingNote(field);
          changedModel();
        },
      })
    );
    const note = routingNote(field);
    grid.appendChild(
      checkField({
        id: id + "-routing",
        label: "Routering: het diagram beslist op dit veld",
        hint: "Een routeringsveld moet privacyklasse ‘normaal’ hebben en verplicht zijn.",
        value: field.routing,
        extra: h("p", { id: id + "-routing-note", className: "fe-note", role: "status", text: note, hidden: !note }),
        onChange: function (checked) {
          setOptional(field, "routing", checked);
          updateRoutingNote(field);
          changedModel();
        },
      })
    );
    grid.appendChild(
      checkField({
        id: id + "-voor-statushouder",
        label: "Voor de statushouder: Mijn Wegwijs toont het antwoord",
        hint: "Alleen wat de statushouder zelf mag lezen, zoals doelen en afspraken; geen notities.",
        value: field.voor_statushouder,
        onChange: function (checked) {
          setOptional(field, "voor_statushouder", checked);
          changedModel();
        },
      })
    );
    grid.appendChild(
      selectField({
        id: id + "-milestone",
        label: "Mijlpaal",
        hint: "Het antwoord wordt als deze mijlpaal in het dossier vastgelegd.",
        value: field.milestone || "",
        choices: milestoneChoices(field),
        onChange: function (value) {
          setOptional(field, "milestone", value);
          changedModel();
        },
      })
    );
    grid.appendChild(
      selectField({
        id: id + "-field-role",
        label: "Rol voor Wegwijs",
        hint: "Wegwijs leest het antwoord hiervoor, welke naam het veld ook heeft.",
        value: field.field_role || "",
        choices: fieldRoleChoices(field),
        onChange: function (value) {
          setOptional(field, "field_role", value);
          changedModel();
        },
      })
    );
    if (field.type === "gebruiker") {
      grid.appendChild(
        selectField({
          id: id + "-role",
          label: "Rol van de gebruiker",
          hint: "Het veld biedt de gebruikers met deze rol aan.",
          value: field.role || "",
          choices: options(config.roles),
          onChange: function (value) {
            field.role = value;
            changedModel();
          },
        })
      );
    }
    grid.appendChild(
      textField({
        id: id + "-help",
        label: "Helptekst",
        optional: true,
        value: field.help,
        wide: true,
        onInput: function (text) {
          setOptional(field, "help", text);
          changedModel();
        },
      })
    );
    if (field.type === "choice" || field.type === "multichoice") {
      if (!Array.isArray(field.choices)) {
        field.choices = [];
      }
      grid.appendChild(choicesEditor(field));
    }
    if (field.type === "number") {
      grid.appendChild(numberEditor(field));
    }

    const up = button("Omhoog", null, function () {
      moveField(field, -1);
    }, { id: id + "-up", disabled: isFirst });
    up.appendChild(named(" veld "));
    const down = button("Omlaag", null, function () {
      moveField(field, 1);
    }, { id: id + "-down", disabled: isLast });
    down.appendChild(named(" veld "));
    const remove = button("Verwijderen", null, function () {
      removeField(field);
    }, { id: id + "-remove" });
    remove.appendChild(named(" veld "));

    const box = h(
      "fieldset",
      { className: "fe-field", id: id },
      h("legend", { tabindex: "-1", id: id + "-legend" }, "Veld " + (fieldIndex + 1) + ": ", h("span", { id: id + "-title", text: title })),
      grid,
      h("div", { className: "fe-actions" }, up, down, remove)
    );
    const problem = nameProblem(field);
    if (problem) {
      const error = box.querySelector("#" + id + "-name-error");
      error.textContent = problem;
      error.hidden = false;
      box.querySelector("#" + id + "-name").setAttribute("aria-invalid", "true");
    }
    return box;
  }

  function renderStep(step, index, total, fieldCountBefore, fieldTotal) {
    const id = uid(step);
    const title = stepTitle(step, index);
    const titleSpan = h("span", { id: id + "-title", text: title });
    const box = h(
      "fieldset",
      { className: "fe-step", id: id },
      h("legend", { tabindex: "-1", id: id + "-legend" }, "Stap " + (index + 1) + ": ", titleSpan)
    );
    box.appendChild(
      textField({
        id: id + "-steptitle",
        label: "Titel van de stap",
        value: step.title,
        onInput: function (text) {
          step.title = text;
          const shown = stepTitle(step, index);
          titleSpan.textContent = shown;
          Array.prototype.forEach.call(box.querySelectorAll(".fe-stepname"), function (span) {
            span.textContent = span.dataset.prefix + shown;
          });
          changedModel();
        },
      })
    );
    const fields = fieldsOf(step);
    if (!fields.length) {
      box.appendChild(h("p", { className: "meta", text: "Deze stap heeft nog geen velden; een stap heeft er minstens één nodig." }));
    }
    fields.forEach(function (field, position) {
      const overall = fieldCountBefore + position;
      box.appendChild(renderField(field, index, position, overall === 0, overall === fieldTotal - 1));
    });
    function stepName(prefix) {
      return h("span", { className: "visually-hidden fe-stepname", "data-prefix": prefix, text: prefix + title });
    }
    const add = button("Veld toevoegen", null, function () {
      addField(step);
    }, { id: id + "-add", className: "small" });
    add.appendChild(stepName(" aan stap "));
    const actions = h("div", { className: "fe-actions" }, add);
    if (total > 1) {
      const remove = button("Stap verwijderen", null, function () {
        removeStep(step);
      }, { id: id + "-remove" });
      remove.appendChild(stepName(" stap "));
      actions.appendChild(remove);
    }
    box.appendChild(actions);
    return box;
  }

  function render(focusId) {
    const active = document.activeElement;
    const keep = focusId || (active && ui.contains(active) ? active.id : "");
    editorRoot.textContent = "";

    const meta = h("div", { className: "fe-form-meta" });
    meta.appendChild(h("p", { className: "fe-key" }, "Formuliersleutel: ", h("code", { text: String(definition.key || "") })));
    meta.appendChild(
      textField({
        id: "fe-form-title",
        label: "Titel van het formulier",
        value: definition.title,
        onInput: function (text) {
          definition.title = text;
          changedModel();
        },
      })
    );
    meta.appendChild(
      textField({
        id: "fe-form-description",
        label: "Omschrijving",
        optional: true,
        multiline: true,
        value: definition.description,
        onInput: function (text) {
          if (text || Object.prototype.hasOwnProperty.call(definition, "description")) {
            definition.description = text;
          }
          changedModel();
        },
      })
    );
    editorRoot.appendChild(meta);

    const list = steps();
    const total = allFields().length;
    let before = 0;
    list.forEach(function (step, index) {
      editorRoot.appendChild(renderStep(step, index, list.length, before, total));
      before += fieldsOf(step).length;
    });
    editorRoot.appendChild(
      h("div", { className: "fe-actions" }, button("Stap toevoegen", null, addStep, { id: "fe-add-step", className: "secondary" }))
    );
    if (keep) {
      const target = document.getElementById(keep);
      if (target && !target.disabled) {
        target.focus();
      }
    }
  }

  // ------------------------------------------------------------------ structure actions

  function moveField(field, direction) {
    const at = locate(field);
    if (!at) {
      return;
    }
    const list = steps();
    const fields = fieldsOf(list[at.step]);
    fields.splice(at.index, 1);
    if (direction < 0) {
      if (at.index > 0) {
        fields.splice(at.index - 1, 0, field);
      } else {
        fieldsOf(list[at.step - 1]).push(field);
      }
    } else if (at.index < fields.length) {
      fields.splice(at.index + 1, 0, field);
    } else {
      fieldsOf(list[at.step + 1]).unshift(field);
    }
    const now = locate(field);
    const flat = allFields();
    const position = flat.indexOf(field);
    const id = uid(field);
    let focus = direction < 0 ? id + "-up" : id + "-down";
    if ((direction < 0 && position === 0) || (direction > 0 && position === flat.length - 1)) {
      focus = direction < 0 ? id + "-down" : id + "-up";
    }
    changedModel({ render: true, focus: focus });
    announce(
      "Veld ‘" + fieldTitle(field) + "’ staat nu op plaats " + (now.index + 1) + " van stap " + (now.step + 1) + "."
    );
  }

  function removeField(field) {
    const at = locate(field);
    if (!at) {
      return;
    }
    const step = steps()[at.step];
    const fields = fieldsOf(step);
    fields.splice(at.index, 1);
    const next = fields[at.index] || fields[at.index - 1];
    changedModel({ render: true, focus: next ? uid(next) + "-legend" : uid(step) + "-add" });
    announce("Veld ‘" + fieldTitle(field) + "’ verwijderd.");
  }

  function addField(step) {
    const privacy = config.privacyClasses.some(function (item) {
      return item.key === "persoonsgegevens";
    })
      ? "persoonsgegevens"
      : (config.privacyClasses[0] || { key: "normaal" }).key;
    const field = { name: "", type: "text", label: "", required: false, privacy: privacy };
    field.name = uniqueName("veld", field);
    autoNamed.add(field);
    fieldsOf(step).push(field);
    changedModel({ render: true, focus: uid(field) + "-label" });
    announce("Nieuw veld toegevoegd aan stap ‘" + stepTitle(step, steps().indexOf(step)) + "’.");
  }

  function addStep() {
    const step = { title: "Stap " + (steps().length + 1), fields: [] };
    steps().push(step);
    changedModel({ render: true, focus: uid(step) + "-steptitle" });
    announce("Stap " + steps().length + " toegevoegd.");
  }

  function removeStep(step) {
    const list = steps();
    const index = list.indexOf(step);
    const count = fieldsOf(step).length;
    const title = stepTitle(step, index);
    if (count && !window.confirm("Stap ‘" + title + "’ met " + count + (count === 1 ? " veld" : " velden") + " verwijderen?")) {
      return;
    }
    list.splice(index, 1);
    const next = list[index] || list[index - 1];
    changedModel({ render: true, focus: next ? uid(next) + "-legend" : "fe-add-step" });
    announce("Stap ‘" + title + "’ verwijderd.");
  }

  // ------------------------------------------------------------------ JSON view

  function showJson(visible) {
    jsonVisible = visible;
    textarea.hidden = !visible;
    if (textareaLabel) {
      textareaLabel.hidden = !visible;
    }
    if (jsonButton) {
      jsonButton.setAttribute("aria-expanded", String(visible));
      jsonButton.textContent = visible ? "JSON verbergen" : "JSON tonen";
    }
    if (!visible && jsonMessage) {
      jsonMessage.hidden = !jsonBroken;
    }
  }

  function onJsonInput() {
    changed = true;
    const parsed = parseText(textarea.value);
    schedulePreview();
    if (parsed.error) {
      jsonBroken = true;
      editorRoot.inert = true;
      editorRoot.setAttribute("aria-disabled", "true");
      jsonMessage.textContent =
        "De JSON kan de editor niet bijwerken: " + parsed.error + " Herstel de JSON; tot dan is de editor hieronder uitgeschakeld.";
      jsonMessage.hidden = false;
      return;
    }
    jsonBroken = false;
    editorRoot.inert = false;
    editorRoot.removeAttribute("aria-disabled");
    jsonMessage.hidden = true;
    definition = parsed.value;
    render();
  }

  // ------------------------------------------------------------------ preview

  let previewTimer = null;
  let previewSeq = 0;
  let previewController = null;
  let previewFailed = false;

  function csrfToken() {
    const input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function schedulePreview() {
    if (!previewUrl || !preview) {
      return;
    }
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(runPreview, PREVIEW_DELAY);
  }

  function showPreviewError(text) {
    preview.textContent = "";
    preview.appendChild(
      h(
        "div",
        { className: "form-error preview-error" },
        h("p", { text: "Het voorbeeld is niet bijgewerkt:" }),
        h("div", { text: text })
      )
    );
    if (!previewFailed) {
      announce("Het voorbeeld toont een fout.");
    }
    previewFailed = true;
    preview.dataset.state = "error";
  }

  function errorText(response, body) {
    const type = response.headers.get("Content-Type") || "";
    if (type.indexOf("html") >= 0) {
      const parsed = new DOMParser().parseFromString(body, "text/html");
      return (parsed.body ? parsed.body.textContent : body).replace(/\s+\n/g, "\n").trim();
    }
    return body.trim() || "De server gaf geen uitleg (status " + response.status + ").";
  }

  function runPreview() {
    const sequence = (previewSeq += 1);
    if (previewController) {
      previewController.abort();
    }
    previewController = typeof AbortController === "function" ? new AbortController() : null;
    preview.setAttribute("aria-busy", "true");
    fetch(previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRFToken": csrfToken(),
        "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
        "X-Requested-With": "XMLHttpRequest",
      },
      body: new URLSearchParams({ definition: textarea.value }).toString(),
      signal: previewController ? previewController.signal : undefined,
    })
      .then(function (response) {
        return response.text().then(function (body) {
          if (sequence !== previewSeq) {
            return;
          }
          if (response.status === 200) {
            preview.innerHTML = body; // an HTML fragment rendered by Django: trusted
            if (previewFailed) {
              announce("Het voorbeeld is weer bijgewerkt.");
            }
            previewFailed = false;
            preview.dataset.state = "ok";
          } else {
            showPreviewError(errorText(response, body));
          }
        });
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") {
          return;
        }
        if (sequence === previewSeq) {
          showPreviewError("Het voorbeeld kon niet worden opgehaald; controleer de verbinding. Uw wijzigingen staan nog in de editor.");
        }
      })
      .then(function () {
        if (sequence === previewSeq) {
          preview.removeAttribute("aria-busy");
          preview.dataset.requests = String(sequence);
        }
      });
  }

  // ------------------------------------------------------------------ start

  function guardLeaving() {
    form.addEventListener("submit", function () {
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (changed && !submitting) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  function startEditor(value) {
    definition = value;
    ui.textContent = "";
    jsonButton = button("JSON tonen", null, function () {
      showJson(!jsonVisible);
    }, { "aria-controls": "form-definition", "aria-expanded": "false" });
    jsonMessage = h("p", { className: "form-error", id: "fe-json-message", hidden: true });
    editorRoot = h("div", { className: "fe-editor" });
    ui.appendChild(
      h(
        "div",
        { className: "fe-toolbar" },
        h("p", { className: "meta", text: "Wijzigingen gaan direct naar het voorbeeld; bewaar ze met ‘Opslaan in concept’." }),
        jsonButton
      )
    );
    // The JSON (still the submitted value) moves under its button, inside the form.
    const jsonBox = h("div", { className: "fe-json" });
    if (textareaLabel) {
      jsonBox.appendChild(textareaLabel);
    }
    jsonBox.appendChild(textarea);
    ui.appendChild(jsonBox);
    ui.appendChild(jsonMessage);
    ui.appendChild(editorRoot);
    textarea.addEventListener("input", onJsonInput);
    textarea.setAttribute("aria-describedby", "fe-json-message");
    showJson(false);
    ui.hidden = false;
    render();
    form.dataset.editor = "ready";
  }

  function startFallback(problem) {
    // The JSON cannot be edited structurally: the textarea stays, with a message.
    const message = h(
      "div",
      { className: "form-error fe-notice", id: "fe-fallback", role: "alert" },
      h("p", { text: "De formuliereditor kan dit formulier niet openen: " + problem }),
      h("p", { text: "Herstel de JSON hieronder met de hand; het voorbeeld laat zien wat er nog mis is. Daarna kunt u de editor openen of direct opslaan." })
    );
    const open = button("Formuliereditor openen", null, function () {
      const parsed = parseText(textarea.value);
      if (parsed.error) {
        message.firstChild.textContent = "De formuliereditor kan dit formulier nog niet openen: " + parsed.error;
        return;
      }
      textarea.removeEventListener("input", onFallbackInput);
      message.remove();
      startEditor(parsed.value);
    });
    message.appendChild(open);
    const anchor =
      textareaLabel && textareaLabel.compareDocumentPosition(textarea) & Node.DOCUMENT_POSITION_FOLLOWING ? textareaLabel : textarea;
    anchor.parentNode.insertBefore(message, anchor);
    textarea.setAttribute("aria-describedby", "fe-fallback");
    function onFallbackInput() {
      changed = true;
      schedulePreview();
    }
    textarea.addEventListener("input", onFallbackInput);
    form.dataset.editor = "fallback";
  }

  // The preview is replaced as a whole after every pause in typing; read aloud each time
  // it would drown the editor. Its state changes are announced in our own status line.
  if (preview) {
    preview.setAttribute("aria-live", "off");
  }
  liveRegion = h("p", { className: "visually-hidden", role: "status" });
  form.appendChild(liveRegion);
  guardLeaving();
  const initial = parseText(textarea.value);
  if (initial.error) {
    startFallback(initial.error);
  } else {
    startEditor(initial.value);
  }
  if (preview && previewUrl && !preview.textContent.trim()) {
    runPreview();
  }
})();
