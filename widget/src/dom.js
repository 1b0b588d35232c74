// A small element builder. Text always goes in as text nodes, never as
// markup, so server messages and editor content cannot inject HTML.

/**
 * Creates an element with attributes and children.
 *
 * An attribute that is `true` is set empty, one that is `false`, null or
 * undefined is left out. Children are nodes, strings (added as text), or
 * arrays of them; null and false children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) {
      element.setAttribute(name, "");
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (typeof child === "string") {
      parent.append(document.createTextNode(child));
    } else if (child) {
      parent.append(child);
    }
  }
}

/** Sets or removes one token of a space-separated attribute such as aria-describedby. */
export function toggleToken(element, attribute, token, present) {
  const tokens = new Set((element.getAttribute(attribute) || "").split(/\s+/).filter(Boolean));
  if (present) {
    tokens.add(token);
  } else {
    tokens.delete(token);
  }
  if (tokens.size) {
    element.setAttribute(attribute, [...tokens].join(" "));
  } else {
    element.removeAttribute(attribute);
  }
}
