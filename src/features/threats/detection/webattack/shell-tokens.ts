/**
 * A small POSIX-shell tokenizer for command-injection analysis. It performs the steps the shell performs
 * before it runs a command — quote removal, backslash escapes, `$'...'` ANSI-C quoting, `$IFS` word splitting,
 * empty special parameters (`$@ $* $0-9`), brace expansion, `^` escapes of cmd.exe — and splits the value into
 * simple commands at the control operators (`;` `&` `&&` `|` `||` `|&` newline) and at the start of command
 * substitutions (backticks, `$( )`, `<( )`, `>( )`). Redirections (`<`, `>`, `>>`, `2>&1`, `&>`, `<<<`) are
 * counted on their command, their targets are not arguments. Every word records whether it was obfuscated:
 * quotes or escapes inside it, or an empty expansion between its letters — which no prose or data value does.
 * Unbalanced quotes are read as literal characters (a value cut out of a larger command line).
 */
export interface ShellWord { text: string; raw: string; obfuscated: boolean }
export interface ShellCommand {
  words: ShellWord[];
  separator: string; // the operator that starts this command: '' at the start (or after a substitution ends)
  redirects: { target: string; fd: boolean }[]; // `> /tmp/x` has target '/tmp/x'; `2>&1` duplicates a descriptor
  ifs: boolean; // words were split by $IFS / ${IFS}
}

type Frame = 'dq' | '`' | '$(';

const WORD_CHAR = /[\w/.~-]/;
const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function decodeAnsiC(body: string): { text: string; escaped: boolean } {
  let escaped = false;
  const text = body.replace(/\\(x[0-9a-f]{1,2}|u[0-9a-f]{1,4}|[0-7]{1,3}|.)/gi, (_m, e: string) => {
    escaped = true;
    if (/^x/i.test(e)) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^u/i.test(e)) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ANSI_ESCAPES[e] ?? e;
  });
  return { text, escaped };
}

/**
 * Splits `value` into simple commands. `openQuote` reads the value as the continuation of a string the
 * application opened with that quote (so the value's first matching quote closes it).
 */
export function shellCommands(value: string, openQuote?: "'" | '"'): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let current: ShellCommand = { words: [], separator: '', redirects: [], ifs: false };
  const frames: Frame[] = [];
  let buf = '';
  let rawStart = -1;
  let started = false;
  let obfuscated = false;
  let redirectTarget = false;
  let i = 0;

  const endWord = (end: number): void => {
    if (!started) return;
    const raw = rawStart >= 0 ? value.slice(rawStart, end) : buf;
    let text = buf;
    let obf = obfuscated;
    started = false;
    obfuscated = false;
    buf = '';
    rawStart = -1;
    if (redirectTarget) {
      redirectTarget = false;
      const last = current.redirects[current.redirects.length - 1];
      if (last) last.target = text;
      return;
    }
    if (/\w\^+\w/.test(text)) {
      text = text.replace(/\^/g, '');
      obf = true;
    }
    if (current.words.length === 0) {
      if (text === '{' || text === '}' || text === '!') return; // group or negation: the next word is the command
      if (/^['"]*$/.test(text)) return; // what is left of a quote that closed the application's string
      if (/^[A-Za-z_]\w*=/.test(text) && !obf) return; // VAR=value prefix assignment
    }
    const brace = /^\{([^{}\s]*,[^{}\s]*)\}$/.exec(text);
    if (brace) {
      for (const part of brace[1].split(',')) if (part) current.words.push({ text: part, raw, obfuscated: true });
      return;
    }
    current.words.push({ text, raw, obfuscated: obf });
  };
  const append = (s: string, at: number): void => {
    if (!started) {
      started = true;
      rawStart = at;
    }
    buf += s;
  };
  const startQuoted = (at: number): void => {
    if (started && buf.length > 0) obfuscated = true;
    if (!started) {
      started = true;
      rawStart = at;
    }
  };
  const afterQuoted = (next: number): void => {
    if (next < value.length && WORD_CHAR.test(value[next])) obfuscated = true;
  };
  const operator = (op: string, at: number): void => {
    endWord(at);
    commands.push(current);
    current = { words: [], separator: op, redirects: [], ifs: false };
  };
  const redirect = (at: number, fd: boolean): void => {
    // `2>`: a file-descriptor number written against the operator is part of it, not a word.
    if (started && /^\d+$/.test(buf) && at > 0 && /\d/.test(value[at - 1])) {
      started = false;
      buf = '';
      rawStart = -1;
      obfuscated = false;
    } else endWord(at);
    current.redirects.push({ target: '', fd });
    redirectTarget = true;
  };

  if (openQuote === "'") {
    const close = value.indexOf("'");
    if (close < 0) return [];
    if (close > 0) append(value.slice(0, close), 0);
    else startQuoted(0);
    afterQuoted(close + 1);
    i = close + 1;
  } else if (openQuote === '"') {
    frames.push('dq');
    started = true;
    rawStart = 0;
  }

  while (i < value.length) {
    const c = value[i];
    const top = frames.length ? frames[frames.length - 1] : undefined;
    if (top === 'dq') {
      if (c === '"') {
        frames.pop();
        afterQuoted(i + 1);
        i++;
      } else if (c === '\\' && i + 1 < value.length && '$`"\\\n'.includes(value[i + 1])) {
        if (value[i + 1] !== '\n') append(value[i + 1], i);
        i += 2;
      } else if (c === '`') {
        operator('`', i);
        frames.push('`');
        i++;
      } else if (c === '$' && value[i + 1] === '(' && value[i + 2] !== '(') {
        operator('$(', i);
        frames.push('$(');
        i += 2;
      } else if (c === '$' && /^[@*\d]/.test(value[i + 1] ?? '')) {
        obfuscated = true;
        i += 2;
      } else {
        append(c, i);
        i++;
      }
      continue;
    }
    switch (c) {
      case ' ': case '\t': case '\r': case '\v': case '\f':
        endWord(i);
        i++;
        break;
      case '\n':
        operator('\n', i);
        i++;
        break;
      case ';':
        operator(';', i);
        i += value[i + 1] === ';' ? 2 : 1;
        break;
      case '&':
        if (value[i + 1] === '&') {
          operator('&&', i);
          i += 2;
        } else if (value[i + 1] === '>') {
          redirect(i, true);
          i += value[i + 2] === '>' ? 3 : 2;
        } else {
          operator('&', i);
          i++;
        }
        break;
      case '|':
        if (value[i + 1] === '|') {
          operator('||', i);
          i += 2;
        } else {
          operator('|', i);
          i += value[i + 1] === '&' ? 2 : 1;
        }
        break;
      case '<': case '>':
        if (value[i + 1] === '(') {
          operator('$(', i);
          frames.push('$(');
          i += 2;
        } else {
          const start = i;
          i++;
          while (i < value.length && (value[i] === '<' || value[i] === '>' || value[i] === '&' || value[i] === '|')) i++;
          // `>&2`, `2>&1`, `<&0`: descriptor duplication exists only in shell syntax.
          redirect(start, value[i - 1] === '&' && /\d/.test(value[i] ?? ''));
        }
        break;
      case '`':
        if (top === '`') {
          frames.pop();
          operator('', i);
        } else {
          operator('`', i);
          frames.push('`');
        }
        i++;
        break;
      case '(':
        endWord(i);
        i++;
        break;
      case ')':
        if (top === '$(') {
          frames.pop();
          operator('', i);
        } else endWord(i);
        i++;
        break;
      case '\\':
        if (i + 1 >= value.length) {
          append('\\', i);
          i++;
        } else if (value[i + 1] === '\n') i += 2;
        else {
          if (/[a-z0-9]/i.test(value[i + 1])) obfuscated = true;
          append(value[i + 1], i);
          i += 2;
        }
        break;
      case "'": {
        const close = value.indexOf("'", i + 1);
        if (close < 0) {
          append("'", i);
          i++;
        } else {
          startQuoted(i);
          buf += value.slice(i + 1, close);
          afterQuoted(close + 1);
          i = close + 1;
        }
        break;
      }
      case '"':
        if (value.indexOf('"', i + 1) < 0) {
          append('"', i);
          i++;
        } else {
          startQuoted(i);
          frames.push('dq');
          i++;
        }
        break;
      case '$': {
        const next = value[i + 1] ?? '';
        const rest = value.slice(i, i + 12);
        const ifs = /^\$(?:\{IFS[^}]*\}|IFS(?![\w]))/.exec(rest);
        if (ifs) {
          endWord(i);
          current.ifs = true;
          i += ifs[0].length;
        } else if (next === '(' && value[i + 2] !== '(') {
          operator('$(', i);
          frames.push('$(');
          i += 2;
        } else if (/[@*\d]/.test(next) || /^\$\{[@*\d]\}/.test(rest)) {
          // An empty expansion: glues the letters around it into one word.
          if (!started) {
            started = true;
            rawStart = i;
          }
          obfuscated = true;
          i += next === '{' ? 4 : 2;
        } else if (next === "'") {
          const close = value.indexOf("'", i + 2);
          if (close < 0) {
            append('$', i);
            i++;
          } else {
            const decoded = decodeAnsiC(value.slice(i + 2, close));
            startQuoted(i);
            if (decoded.escaped) obfuscated = true;
            buf += decoded.text;
            afterQuoted(close + 1);
            i = close + 1;
          }
        } else {
          append('$', i);
          i++;
        }
        break;
      }
      default:
        append(c, i);
        i++;
    }
  }
  endWord(value.length);
  commands.push(current);
  return commands;
}
