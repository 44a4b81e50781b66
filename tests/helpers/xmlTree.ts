/**
 * A strict little XML reader for the files we write (sitemaps): an XML declaration, then elements,
 * attributes in double or single quotes, text and the five predefined entities or character references.
 * No XML parser is installed, so this one throws on whatever is not well-formed in that subset —
 * an unescaped `<` or `&`, a mismatched or unclosed tag, a duplicated attribute, text outside the root,
 * a character XML 1.0 cannot carry — rather than guessing.
 */
export type XmlElement = { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string };

const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(raw: string, where: string): string {
  if (/[<]/.test(raw)) throw new Error(`unescaped < in ${where}`);
  if (NOT_XML_CHAR.test(raw)) throw new Error(`a character XML cannot carry in ${where}`);
  return raw.replace(/&([^;]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new Error(`unterminated reference in ${where}: ${match}`);
    if (ref in ENTITIES) return ENTITIES[ref];
    const code = /^#x[0-9A-Fa-f]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? Number(ref.slice(1)) : NaN;
    if (Number.isNaN(code)) throw new Error(`unknown entity in ${where}: ${match}`);
    return String.fromCodePoint(code);
  });
}

export function parseXml(xml: string): XmlElement {
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*/i.exec(xml);
  if (!declaration) throw new Error('no XML declaration');
  let at = declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const open = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>`);
  const close = new RegExp(`^</(${NAME})\\s*>`);
  while (at < xml.length) {
    const rest = xml.slice(at);
    if (rest.startsWith('</')) {
      const m = close.exec(rest);
      const top = stack.pop();
      if (!m || !top || top.name !== m[1]) throw new Error(`mismatched close at ${at}: ${rest.slice(0, 40)}`);
      at += m[0].length;
      continue;
    }
    if (rest.startsWith('<')) {
      const m = open.exec(rest);
      if (!m) throw new Error(`bad tag at ${at}: ${rest.slice(0, 40)}`);
      if (root && stack.length === 0) throw new Error('a second root element');
      const attributes: Record<string, string> = {};
      for (const a of m[2].matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g'))) {
        if (a[1] in attributes) throw new Error(`duplicate attribute ${a[1]}`);
        attributes[a[1]] = decode(a[2] ?? a[3], `attribute ${a[1]}`);
      }
      const element: XmlElement = { name: m[1], attributes, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else root = element;
      if (!m[3]) stack.push(element);
      at += m[0].length;
      continue;
    }
    const next = rest.indexOf('<');
    const raw = next < 0 ? rest : rest.slice(0, next);
    if (stack.length === 0) {
      if (raw.trim()) throw new Error('text outside the root element');
    } else stack[stack.length - 1].text += decode(raw, `<${stack[stack.length - 1].name}>`);
    at += raw.length;
  }
  if (!root || stack.length > 0) throw new Error('unclosed elements');
  return root;
}

/** The children named `name`, and the text of the only one (throws unless exactly one). */
export const childrenNamed = (element: XmlElement, name: string) => element.children.filter((c) => c.name === name);
export function onlyText(element: XmlElement, name: string): string {
  const found = childrenNamed(element, name);
  if (found.length !== 1) throw new Error(`<${element.name}> has ${found.length} <${name}>, not one`);
  return found[0].text;
}
