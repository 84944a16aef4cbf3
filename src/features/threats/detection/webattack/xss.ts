/**
 * Cross-site scripting judged by the HTML/JS context the value would create: a tag that runs or loads code,
 * an event-handler attribute, a script-bearing URL scheme or CSS expression in an attribute, a closing tag that
 * ends a raw-text element, or a quote that breaks out of a JavaScript string and calls a function.
 */
export interface XssVerdict { rule: string; confidence: number; fragment: string }

// Elements that execute, embed or restyle content, or whose raw text the value could escape from.
const ACTIVE_TAGS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'meta', 'link', 'style',
  'base', 'form', 'svg', 'math', 'xml', 'import', 'isindex', 'bgsound', 'layer', 'ilayer', 'template', 'xss', 'vmlframe',
  'set', 'handler', 'listener', 'animate', 'foreignobject', 'param', 'portal']);
const RAW_TEXT_TAGS = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'noscript', 'iframe', 'noembed', 'noframes', 'plaintext', 'template', 'comment']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'background', 'dynsrc', 'lowsrc', 'data', 'code', 'codebase',
  'xlink:href', 'poster', 'value', 'content', 'style', 'srcdoc', 'datasrc', 'cite', 'longdesc', 'profile', 'usemap', 'classid', 'for', 'to', 'from', 'values', 'by']);
const SCRIPT_URL = /^[\s\u0000-\u001f]*(?:j[\s]*a[\s]*v[\s]*a[\s]*s[\s]*c[\s]*r[\s]*i[\s]*p[\s]*t|v[\s]*b[\s]*s[\s]*c[\s]*r[\s]*i[\s]*p[\s]*t|livescript|mocha)[\s]*:|^\s*data\s*:\s*(?:text\/html|image\/svg|application\/(?:x-)?(?:javascript|ecmascript|xhtml))/i;
const CSS_CODE = /expression\s*\(|url\s*\(\s*['"]?\s*(?:javascript|vbscript|data)\s*:|behaviou?r\s*:|(?:-moz-)?binding\s*:|@import/i;
const JS_BREAKOUT = /['"`]\s*(?:[;)}\]]|[+\-*/|&^,]{1,2})\s*(?:\/\/[^\n]*)?\s*[a-z_$][\w$.]*(?:\s*\[[^\]]*\])*\s*(?:\(|=[^=]|`)/i;
const SCRIPT_SCHEME_ANYWHERE = /(?:^|[^a-z0-9])(?:javascript|vbscript|livescript)\s*:[^\s]|(?:^|[^a-z0-9])data\s*:\s*(?:text\/html|image\/svg\+xml|application\/x?html)/i;
// Elements that render content or carry attributes an attacker uses; a complete one in a parameter is HTML injection.
const HTML_ELEMENTS = new Set(['a', 'img', 'div', 'span', 'body', 'html', 'head', 'title', 'input', 'table', 'td', 'tr', 'video',
  'audio', 'source', 'button', 'marquee', 'textarea', 'select', 'option', 'label', 'font', 'h1', 'h2', 'h3', 'li', 'ul', 'ol',
  'br', 'hr', 'p', 'b', 'i', 'u', 'center', 'keygen', 'details', 'dialog', 'picture', 'canvas', 'area', 'map', 'image', 'video',
  'isindex', 'xmp', 'plaintext', 'listing', 'noscript', 'style', 'object', 'command', 'menu', 'menuitem', 'bdo', 'blink']);
const DOCUMENT_TAGS = new Set(['html', 'body', 'head', 'table', 'form', 'div', 'iframe', 'object', 'svg']);
const DATA_BINDING = new Set(['datasrc', 'dataformatas', 'datafld']);
const CALL_THEN_TAG_END = /[a-z_$][\w$.]*\s*\([^)]{0,80}\)\s*;?\s*(?:\/\/)?\s*['"`]?\s*\/?>/i;
const ATTRIBUTE_BREAKOUT = /["'`]\s*\/?>[^<]{0,200}<\/?[a-z!]/i;
const NETSCAPE_ENTITY = /&\{[^}]*\}/;
const PROCESSING_INSTRUCTION = /<\?(?:xml|import|php|=)/i;
const SSI_OR_TEMPLATE = /<!--\s*#\s*(?:exec|include|echo|config|printenv)\b|\{\{[^}]*(?:constructor|\$on|\$eval|alert|prompt|confirm)[^}]*\}\}/i;

interface Tag { name: string; closing: boolean; attributes: { name: string; value: string }[]; raw: string }

/** Reads `<name attr=value ...>` tags as a browser would (lenient: no closing `>` needed, `/` separates attributes). */
function* readTags(text: string): Generator<Tag> {
  let i = text.indexOf('<');
  while (i >= 0 && i < text.length) {
    let j = i + 1;
    const closing = text[j] === '/';
    if (closing) j++;
    const nameStart = j;
    while (j < text.length && /[a-z0-9:_-]/i.test(text[j])) j++;
    const name = text.slice(nameStart, j).toLowerCase();
    if (!name || !/^[a-z]/.test(name)) { i = text.indexOf('<', i + 1); continue; }
    const attributes: { name: string; value: string }[] = [];
    while (j < text.length && text[j] !== '>') {
      while (j < text.length && /[\s/"'`]/.test(text[j])) j++;
      const attrStart = j;
      while (j < text.length && !/[\s/>=]/.test(text[j])) j++;
      const attrName = text.slice(attrStart, j).toLowerCase().replace(/^[^a-z]+/, '');
      while (j < text.length && /\s/.test(text[j])) j++;
      let value = '';
      if (text[j] === '=') {
        j++;
        while (j < text.length && /\s/.test(text[j])) j++;
        const quote = text[j];
        if (quote === '"' || quote === "'" || quote === '`') {
          const end = text.indexOf(quote, j + 1);
          value = text.slice(j + 1, end < 0 ? text.length : end);
          j = end < 0 ? text.length : end + 1;
        } else {
          const start = j;
          while (j < text.length && !/[\s>]/.test(text[j])) j++;
          value = text.slice(start, j);
        }
      }
      if (attrName) attributes.push({ name: attrName, value });
      else if (j === attrStart) j++;
    }
    yield { name, closing, attributes, raw: text.slice(i, Math.min(j + 1, i + 120)) };
    i = text.indexOf('<', i + 1); // nested tags (`<t:set to="<script>">`, `<scr<script>ipt>`) are read too
  }
}

const withoutCssComments = (v: string): string => (v.includes('/*') ? v.replace(/\/\*[\s\S]*?\*\//g, '') : v);

function judgeTag(tag: Tag, attributeContext = false): XssVerdict | null {
  if (tag.closing) {
    if (RAW_TEXT_TAGS.has(tag.name)) return { rule: 'raw_text_escape', confidence: 0.85, fragment: tag.raw };
    return DOCUMENT_TAGS.has(tag.name) ? { rule: 'html_injection', confidence: 0.5, fragment: tag.raw } : null;
  }
  for (const attr of tag.attributes) {
    if (/^on[a-z]{3,}/.test(attr.name)) return { rule: 'event_handler', confidence: 0.95, fragment: tag.raw };
    if ((URL_ATTRIBUTES.has(attr.name) || attr.name.startsWith('xlink')) && (SCRIPT_URL.test(attr.value) || SCRIPT_SCHEME_ANYWHERE.test(attr.value) || NETSCAPE_ENTITY.test(attr.value))) {
      return { rule: 'script_url_attribute', confidence: 0.95, fragment: tag.raw };
    }
    if ((attr.name === 'style' || attr.name === 'content' || attr.name === 'value') && CSS_CODE.test(withoutCssComments(attr.value))) {
      return { rule: 'css_expression', confidence: 0.9, fragment: tag.raw };
    }
    if (DATA_BINDING.has(attr.name)) return { rule: 'data_binding', confidence: 0.8, fragment: tag.raw };
  }
  if (attributeContext) return null;
  if (ACTIVE_TAGS.has(tag.name)) return { rule: 'active_tag', confidence: 0.9, fragment: tag.raw };
  if (HTML_ELEMENTS.has(tag.name) || tag.name.includes(':')) return { rule: 'html_injection', confidence: 0.6, fragment: tag.raw };
  return null;
}

// Every XSS vector needs markup, a quote, a scheme, a call or an entity; values without these are skipped.
const XSS_SIGNAL = /[<>"'`(:&{]/;

export function detectXss(value: string): XssVerdict | null {
  if (!XSS_SIGNAL.test(value)) return null;
  if (value.includes('<')) {
    for (const tag of readTags(value)) {
      const verdict = judgeTag(tag);
      if (verdict) return verdict;
    }
    const ssi = SSI_OR_TEMPLATE.exec(value);
    if (ssi) return { rule: 'server_side_include', confidence: 0.9, fragment: ssi[0] };
    const pi = PROCESSING_INSTRUCTION.exec(value);
    if (pi) return { rule: 'processing_instruction', confidence: 0.8, fragment: pi[0] };
    const breakout = ATTRIBUTE_BREAKOUT.exec(value);
    if (breakout) return { rule: 'attribute_breakout', confidence: 0.75, fragment: breakout[0] };
  } else if (value.includes('{{')) {
    const template = SSI_OR_TEMPLATE.exec(value);
    if (template) return { rule: 'template_injection', confidence: 0.8, fragment: template[0] };
  }
  // The value may land inside a tag (unquoted attribute): read it as attributes.
  if (value.includes('=')) {
    const start = value.search(/[\s"'`]/);
    if (start >= 0) {
      for (const tag of readTags(`<x ${value.slice(start)}`)) {
        const verdict = judgeTag(tag, true);
        if (verdict) return { ...verdict, rule: `attribute_context_${verdict.rule}` };
        break;
      }
    }
  }
  const netscape = NETSCAPE_ENTITY.exec(value);
  if (netscape) return { rule: 'script_entity', confidence: 0.8, fragment: netscape[0] };
  const callEnd = value.includes('>') ? CALL_THEN_TAG_END.exec(value) : null;
  if (callEnd) return { rule: 'call_closing_tag', confidence: 0.7, fragment: callEnd[0] };
  if (SCRIPT_URL.test(value.replace(/^["'`\s]+/, ''))) return { rule: 'script_url', confidence: 0.9, fragment: value.slice(0, 80) };
  const scheme = SCRIPT_SCHEME_ANYWHERE.exec(value);
  if (scheme) return { rule: 'script_url', confidence: 0.85, fragment: scheme[0] };
  if (CSS_CODE.test(withoutCssComments(value)) && /expression\s*\(|url\s*\(|binding/i.test(value)) {
    return { rule: 'css_expression', confidence: 0.75, fragment: value.slice(0, 80) };
  }
  const breakout = /['"`]/.test(value) ? JS_BREAKOUT.exec(value) : null;
  if (breakout && /[;)]/.test(breakout[0]) && /\(/.test(value.slice(breakout.index))) {
    return { rule: 'js_string_breakout', confidence: 0.8, fragment: breakout[0] };
  }
  const attrInjection = !value.includes('>') ? null : /^[^<]*["'`]\s+(?:[a-z-]+\s*=\s*["']?[^"'\s>]*["']?\s*)+\/?>/i.exec(value);
  if (attrInjection) return { rule: 'attribute_injection', confidence: 0.7, fragment: attrInjection[0] };
  return null;
}
