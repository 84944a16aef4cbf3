/**
 * Path traversal read as a path, not as keywords. The (already percent/overlong/%u/HTML-decoded) value goes
 * through the path-specific decoding layers — `0x2e`, `\x2e`, `\u002e` escapes, Unicode look-alikes of `.` `/`
 * `\` that some platforms fold to ASCII, backslashes as separators — and is then split into segments the way a
 * file system would resolve them: Windows trims trailing dots and spaces (`.. .` is `..`), Tomcat drops path
 * parameters (`..;x` is `..`). Walking the segments tells whether the path climbs out of the directory it is
 * joined to, and where it lands; the verdict comes from that structure:
 * - `..` segments (escaping above the root is the stronger form), dot runs (`...`, `....//`, which a one-pass
 *   `../` filter turns back into `../`), non-canonical absolute paths (`/./`, runs of `//`), overlong
 *   truncation segments, NUL-byte truncation;
 * - absolute paths (Unix, drive letters, device namespaces, `file:`-style wrappers) whose resolved target is a
 *   sensitive system location, also when a filter stripped the separators (`etcpasswd`, `c:windowswin.ini`).
 */
export interface TraversalVerdict { rule: string; confidence: number; fragment: string }

// Sensitive system locations, matched against the normalized path and against the resolved one.
const SYSTEM_PATH = /(?:^|[\\/=:'"\s(])(?:etc\/(?:passwd|shadow|group|hosts|issue|sudoers|crontab|ssh\/|mysql\/|apache2?\/|nginx\/|httpd\/)|proc\/(?:self|\d+)\/(?:environ|cmdline|fd|maps|status)|var\/log\/|root\/\.|home\/[^/]+\/\.ssh|windows\/(?:win\.ini|system32|system\.ini|repair)|winnt\/|boot\.ini|inetpub\/|web-inf\/|meta-inf\/|\.htpasswd|id_rsa|\.bash_history)/i;
// Files an attacker reads through traversal, recognisable even when the separators were stripped by a filter.
const SENSITIVE_NAME = /etc[\/]?(?:passwd|shadow)|boot\.ini|win\.ini|system\.ini|web-inf|global\.asa|\.htpasswd|inetpub/i;
const DRIVE_ROOT = /^[a-z]:[\\/](?:windows|winnt|boot\.ini|inetpub)/i;
// A drive-relative Windows path (`c:boot.ini`, the current directory of drive C:) naming a system file type.
const DRIVE_SYSTEM_FILE = /^[a-z]:(?![\\/]{2})[^\s:*?"<>|]*\.(?:ini|sys|inf|dll|exe|bat|cmd|com|asa|asax|config|dat|log|bak|reg)$/i;
// Win32 device namespaces (`\\?\C:\`, `\\.\PhysicalDrive0`) are never a legitimate parameter.
const DEVICE_NAMESPACE = /^\/\/[?.]\/[a-z]/i;
const FILE_URL = /^(?:file|php|zip|phar|expect|data|glob|jar|netdoc):\/{0,3}[a-z/\\]/i;
const NUL_TRUNCATION = /\u0000|%00|\\0/;

// Escapes that a path API or an intermediate decoder may turn into `.` `/` `\`.
const PATH_ESCAPE = /(?:0x|\\x|\\u00)(2e|2f|5c)/gi;
const ESCAPED = { '2e': '.', '2f': '/', '5c': '\\' } as Record<string, string>;
// Unicode characters folded to `.` `/` `\` by best-fit code pages or NFKC normalisation.
const LOOKALIKE_DOT = /[\u2024\ufe52\uff0e]/g;
const LOOKALIKE_SLASH = /[\u2044\u2215\u29f8\uff0f]/g;
const LOOKALIKE_BACKSLASH = /[\u2216\u29f5\ufe68\uff3c]/g;

function normalizePath(value: string): string {
  let v = value;
  if (/0x|\\x|\\u00/i.test(v)) v = v.replace(PATH_ESCAPE, (_m, hex: string) => ESCAPED[hex.toLowerCase()]);
  if (/[^\x00-\x7f]/.test(v)) v = v.replace(LOOKALIKE_DOT, '.').replace(LOOKALIKE_SLASH, '/').replace(LOOKALIKE_BACKSLASH, '\\');
  return v.replace(/\\/g, '/');
}

/** How a file system reads one segment: Windows trims trailing dots/spaces, Tomcat drops `;params`. */
function isParentSegment(seg: string): boolean {
  if (seg === '..') return true;
  if (!seg.startsWith('..')) return false;
  const rest = seg.slice(2);
  if (/^[. ]+$/.test(rest) && rest.includes(' ')) return true; // `.. .`: trailing dots and spaces
  if (rest.startsWith(';')) return true; // `..;jsessionid=x`
  return !rest.startsWith('.') && /[?*{}%]/.test(rest); // `..%5c`, `..{file}`: a separator the decoder left
}

interface PathShape {
  parents: number; // `..` segments
  escapes: number; // how far above the starting directory the walk climbs
  dotRuns: number; // `...`, `....` segments
  selfRefs: number; // `.` segments
  emptyInner: number; // empty segments between separators
  resolved: string; // the path after resolving `.` and `..` (clamped at the root)
}

function shapeOf(path: string): PathShape {
  const segments = path.split('/');
  const stack: string[] = [];
  const shape: PathShape = { parents: 0, escapes: 0, dotRuns: 0, selfRefs: 0, emptyInner: 0, resolved: '' };
  let depth = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i].trim();
    if (isParentSegment(seg)) {
      shape.parents++;
      depth--;
      if (-depth > shape.escapes) shape.escapes = -depth;
      stack.pop();
    } else if (/^\.{3,}/.test(seg) || (/\.{4,}/.test(seg) && i > 0)) {
      shape.dotRuns++;
      stack.push(seg.replace(/^\.+/, ''));
    } else if (seg === '.') shape.selfRefs++;
    else if (seg === '') {
      if (i > 0 && i < segments.length - 1) shape.emptyInner++;
    } else {
      depth++;
      stack.push(seg);
    }
  }
  shape.resolved = stack.join('/');
  return shape;
}

const TRAVERSAL_SIGNAL = /[./\\:%\u0000\u2024\ufe52\uff0e\u2044\u2215\u29f8\uff0f\u2216\u29f5\ufe68\uff3c]|0x/;

export function detectTraversal(value: string): TraversalVerdict | null {
  if (!TRAVERSAL_SIGNAL.test(value)) return null;
  const path = normalizePath(value);
  const shape = shapeOf(path);
  const fragment = value.slice(0, 80);
  const absolute = path.startsWith('/') || /^[a-z]:/i.test(path);
  if (shape.parents >= 1) {
    const strong = shape.parents >= 2 || shape.escapes >= 2 || SYSTEM_PATH.test(path) || SYSTEM_PATH.test(`/${shape.resolved}`);
    return { rule: 'dot_dot_segments', confidence: strong ? 0.95 : 0.8, fragment };
  }
  const sensitive = SENSITIVE_NAME.exec(path);
  if (sensitive && (path.includes('..') || /^[a-z]:/i.test(path) || /^(?:file|php|zip|phar):/i.test(path) || /web-inf|boot\.ini|win\.ini|passwd|global\.asa/i.test(sensitive[0]))) {
    return { rule: 'sensitive_file', confidence: path.includes('..') ? 0.9 : 0.75, fragment: sensitive[0] };
  }
  if (shape.dotRuns >= 1) return { rule: 'dot_run_segments', confidence: 0.8, fragment };
  if (/\.\.\/\//.test(path) || /\.{2,}\/\.{2,}/.test(path)) return { rule: 'dot_dot_segments', confidence: 0.85, fragment };
  if (path.startsWith('/') && path.split('/').some((seg) => seg.length > 200 && /\.{2,}/.test(seg))) {
    return { rule: 'path_truncation', confidence: 0.7, fragment };
  }
  if (DEVICE_NAMESPACE.test(path)) return { rule: 'device_namespace', confidence: 0.85, fragment };
  // An absolute path that is not canonical: `/./`, or runs of empty segments (`//` after the start, which a
  // protocol-relative URL `//host.tld/` does not have). Canonical paths are what applications produce.
  const protocolRelative = /^\/\/[a-z0-9-]+\.[a-z]/i.test(path);
  if (path.startsWith('/') && !protocolRelative && (shape.selfRefs >= 1 || shape.emptyInner >= 2)) {
    return { rule: 'segment_padding', confidence: 0.7, fragment };
  }
  if (FILE_URL.test(path)) return { rule: 'file_scheme', confidence: 0.85, fragment };
  if (SYSTEM_PATH.test(path) && (path.startsWith('/') || /(?:^|[^a-z])(?:etc|proc|windows|boot\.ini|web-inf)/i.test(path))) {
    return { rule: 'sensitive_file', confidence: 0.85, fragment };
  }
  if (absolute && shape.selfRefs + shape.emptyInner > 0 && SYSTEM_PATH.test(`/${shape.resolved}`)) {
    return { rule: 'sensitive_file', confidence: 0.85, fragment };
  }
  if (DRIVE_ROOT.test(path)) return { rule: 'sensitive_file', confidence: 0.8, fragment };
  if (DRIVE_SYSTEM_FILE.test(path)) return { rule: 'drive_system_file', confidence: 0.7, fragment };
  if (NUL_TRUNCATION.test(value) && /\.[a-z0-9]{2,4}/i.test(value)) return { rule: 'nul_truncation', confidence: 0.75, fragment };
  return null;
}
