/** A strict little XML reader for tests of the JUnit output (no XML parser is a dependency). */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

/** A strict little XML reader: throws on anything not well-formed (unbalanced tags, bad attributes, stray & or <). */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at ${i}: ${why}`);
  };
  const checkText = (t: string): void => {
    if (t.includes('<')) fail('stray <');
    for (const m of t.matchAll(/&([^;]*);?/g)) if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1]!) || !m[0].endsWith(';')) fail(`bad entity ${m[0]}`);
  };
  if (text.startsWith('<?xml')) i = text.indexOf('?>') + 2;
  const stack: XmlElement[] = [];
  let rootElement: XmlElement | undefined;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      if (text.slice(i).trim()) fail('text after the root element');
      break;
    }
    const between = text.slice(i, lt);
    if (stack.length === 0 && between.trim()) fail('text outside the root element');
    checkText(between);
    const gt = text.indexOf('>', lt);
    if (gt < 0) fail('unclosed tag');
    const tag = text.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim()) fail(`closing ${tag} does not match ${open?.name}`);
      if (stack.length === 0) rootElement = open;
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*\/?$/.exec(tag);
    if (!m) fail(`bad tag <${tag}>`);
    const attributes: Record<string, string> = {};
    for (const a of m![2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (a[1]! in attributes) fail(`duplicate attribute ${a[1]}`);
      checkText(a[2]!);
      attributes[a[1]!] = a[2]!.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    }
    const element: XmlElement = { name: m![1]!, attributes, children: [] };
    if (stack.length) stack[stack.length - 1]!.children.push(element);
    else if (rootElement) fail('two root elements');
    if (selfClosing) {
      if (stack.length === 0) rootElement = element;
    } else stack.push(element);
  }
  if (stack.length) fail(`unclosed <${stack[stack.length - 1]!.name}>`);
  return rootElement ?? fail('no root element');
}

export const all = (e: XmlElement, name: string): XmlElement[] => [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => all(c, name))];
