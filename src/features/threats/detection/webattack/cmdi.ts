/**
 * OS command injection read as shell grammar. A small POSIX-shell tokenizer (`shell-tokens.ts`) does what the
 * shell does before running anything — quote removal (`c'a't`, `c"a"t`, `c\at` are `cat`), `$'\x63'` ANSI-C
 * quoting, `$IFS`/`${IFS}` word splitting, empty expansions (`c$@at`), brace expansion (`{cat,/etc/passwd}`),
 * redirections (`<`, `>`, `2>&1`), command separators (`;` `|` `||` `&` `&&` newline) and substitutions
 * (backticks, `$( )`, `<( )`) — and yields simple commands. The value is read as-is and, like the SQL detector,
 * as the continuation of a `'...'` or `"..."` string the application opened. Each command position is then
 * judged: an executable there (an absolute path into a bin directory, possibly globbed like `/???/c?t`, or a
 * system utility whose arguments fit it) is an injection. A word alone is not enough: "cat" or "ping" in a
 * sentence never sits after a separator with shell-shaped arguments, and no sentence obfuscates a word with
 * quotes or `$IFS`. Also SSI `<!--#exec` and code-exec calls (`system('...')`).
 */
import { type ShellCommand, shellCommands } from './shell-tokens';

export interface CmdiVerdict { rule: string; confidence: number; fragment: string }

// Utilities attackers run to prove or use execution; their presence matters only in command position.
const UTILITIES = new Set(['id', 'whoami', 'uname', 'cat', 'ls', 'dir', 'ping', 'sleep', 'wget', 'curl', 'nc', 'ncat', 'netcat',
  'bash', 'sh', 'zsh', 'ksh', 'dash', 'cmd', 'cmd.exe', 'powershell', 'pwsh', 'echo', 'nslookup', 'dig', 'host', 'netstat', 'ifconfig',
  'ipconfig', 'type', 'rm', 'chmod', 'chown', 'python', 'python3', 'perl', 'php', 'ruby', 'lua', 'telnet', 'ssh', 'scp', 'tftp',
  'ftp', 'net', 'systeminfo', 'tasklist', 'taskkill', 'reg', 'certutil', 'bitsadmin', 'mshta', 'rundll32', 'regsvr32', 'wmic',
  'hostname', 'ps', 'kill', 'killall', 'env', 'printenv', 'set', 'export', 'head', 'tail', 'more', 'less', 'find', 'grep',
  'awk', 'sed', 'xargs', 'base64', 'touch', 'mkdir', 'cp', 'mv', 'dd', 'nohup', 'crontab', 'useradd', 'passwd', 'sudo', 'su',
  'ping.exe', 'timeout', 'true', 'false', 'expr', 'xterm', 'mkfifo', 'socat', 'tar', 'zip', 'unzip', 'gcc', 'cc', 'java',
  'node', 'osascript', 'shutdown', 'reboot', 'halt', 'w', 'who', 'last', 'lsof', 'uptime', 'pwd', 'exec', 'eval', 'system',
  'busybox', 'xxd', 'hexdump', 'chgrp', 'getent', 'lsb_release', 'arp', 'traceroute', 'tracert', 'whois', 'openssl', 'gzip',
  'vim', 'nmap', 'base32', 'lynx', 'php-cgi', 'wscript', 'cscript', 'findstr']);
// Utilities that prove execution on their own (no arguments needed) when they follow a separator.
const STANDALONE = new Set(['id', 'whoami', 'uname', 'ls', 'dir', 'netstat', 'ifconfig', 'ipconfig', 'hostname', 'ps', 'pwd',
  'env', 'printenv', 'systeminfo', 'tasklist', 'w', 'who', 'uptime', 'set', 'true', 'false']);
const CODE_EXEC_FUNCTIONS = /(?:^|[;|&`\s(])(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|eval|assert|os\.system|os\.popen|subprocess\.\w+|runtime\.getruntime\(\)\.exec)\s*\(\s*['"`]?[^)]*\)/i;
const SSI_EXEC = /<!--\s*#\s*exec\s+(?:cmd|cgi)\s*=/i;
const BIN_DIR = /^(?:\/usr\/local\/s?bin|\/usr\/s?bin|\/s?bin|usr\/s?bin|bin|[a-z]:\/windows\/system32|[a-z]:\/windows)\/([a-z0-9._-]+)$/i;
const BIN_DIRS = ['/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/', '/usr/local/bin/'];
// Characters without which a value is at most one plain command line (`cat /etc/passwd`).
const SHELL_META = /[;|&`$\n<>(){}'"\\^*?]/;

function commandName(word: string): { name: string; absolute: boolean } {
  const lower = word.toLowerCase().replace(/\\/g, '/');
  const bin = BIN_DIR.exec(lower);
  if (bin) return { name: bin[1].replace(/\.exe$/, ''), absolute: true };
  return { name: lower, absolute: false };
}

/** `/???/c?t`, `/bin/c*`: a glob in command position that the shell expands to a known utility. */
function globbedUtility(word: string): string | null {
  if (!/^\/[^\s]*[?*[]/.test(word) || word.length > 40) return null;
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^${word.toLowerCase().replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  } catch {
    return null; // an unbalanced `[` is no glob the shell would expand
  }
  for (const dir of BIN_DIRS) for (const name of UTILITIES) if (name.length > 1 && pattern.test(dir + name)) return name;
  return null;
}

const looksLikeArgument = (word: string | undefined): boolean =>
  word !== undefined && (/^-{1,2}[a-z0-9]/i.test(word) || /^[/\\]/.test(word) || /^[a-z]:[\\/]?/i.test(word) || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(word)
    || /^(?:https?|ftp):\/\//i.test(word) || /^\/[a-z]/i.test(word) || /^\d+$/.test(word) || /^[$%][a-z_{]/i.test(word)
    || /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[:/]\S*)?$/i.test(word)); // a host name

/**
 * A whole value read as one command line (no separator): every argument must be shaped like one — an option,
 * a path, an address, a URL, a number, a variable, or the value of the option before it — and one of them must
 * say more than `/`. "sleep 8 hours" and "find /" are prose, "ping -n 31 127.0.0.1" is not.
 */
function commandLine(words: string[]): boolean {
  let strong = false;
  for (let k = 1; k < words.length; k++) {
    const shaped = looksLikeArgument(words[k]);
    if (!shaped && !(k > 1 && /^-/.test(words[k - 1]))) return false;
    if (shaped && words[k] !== '/' && words[k] !== '\\') strong = true;
  }
  return strong || words.length === 1;
}

// Standalone commands that double as ordinary words ("id", "who", "set").
const AMBIGUOUS_STANDALONE = new Set(['id', 'w', 'who', 'set', 'ps', 'dir', 'env', 'true', 'false']);
// Piping into these runs whatever came before: `... | sh`.
const INTERPRETERS = new Set(['sh', 'bash', 'zsh', 'ksh', 'dash', 'python', 'python3', 'perl', 'ruby', 'php', 'node', 'lua',
  'powershell', 'pwsh', 'cmd', 'cmd.exe', 'busybox']);
// What an application legitimately put before the operator: a number, an address, a host name.
const VALUE_LIKE = /^(?:\d[\d.:-]*|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i;

function judge(commands: ShellCommand[]): CmdiVerdict | null {
  const lead = commands[0].words;
  const breakout = commands.length > 1 && (lead.length === 0 || (lead.length === 1 && VALUE_LIKE.test(lead[0].text)));
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i];
    const first = command.words[0];
    if (!first) continue;
    // Backslashes are escapes to a POSIX shell but separators in a Windows path (`c:\windows\system32\cmd`).
    let { name, absolute } = commandName(first.text);
    if (!absolute && first.raw.includes('\\')) {
      const windows = commandName(first.raw.replace(/['"]/g, ''));
      if (windows.absolute) ({ name, absolute } = windows);
    }
    const afterSeparator = command.separator !== '';
    const words = command.words.map((w) => w.text);
    const fragment = `${command.separator}${words.slice(0, 3).join(' ')}`.slice(0, 80);
    const globbed = absolute || UTILITIES.has(name) ? null : globbedUtility(first.text);
    if ((absolute && UTILITIES.has(name)) || globbed) {
      return { rule: afterSeparator ? 'separator_binary_path' : 'binary_path', confidence: afterSeparator || globbed ? 0.95 : 0.85, fragment };
    }
    if (!UTILITIES.has(name)) continue;
    // No sentence writes a word with quotes or escapes inside it, nor splits words with $IFS.
    if (first.obfuscated) return { rule: 'obfuscated_command', confidence: 0.9, fragment };
    if (command.ifs) return { rule: 'ifs_word_splitting', confidence: 0.95, fragment };
    const argument = looksLikeArgument(words[1]) || command.redirects.some((r) => r.fd || /[/\\~]/.test(r.target));
    // Standalone proof commands that are also English words need to stand alone or take real arguments.
    const standalone = STANDALONE.has(name) && (!AMBIGUOUS_STANDALONE.has(name) || words.length === 1 || argument);
    // Substitution (`...`, $(...), <(...)) executes wherever it appears; a separator must be followed by a command.
    const substituted = command.separator === '`' || command.separator === '$(';
    if (substituted || afterSeparator) {
      // A lone utility counts in a substitution, or piped/chained into an interpreter; `&` (as in "Tom & Jerry")
      // never makes a lone word a command.
      const lone = words.length === 1 && (substituted || (command.separator !== '&' && INTERPRETERS.has(name)));
      // After a break-out (the value starts with an operator, or with a bare number/address/host name and then an
      // operator), the utility needs no particular arguments: `127.0.0.1; echo marker`.
      if (argument || standalone || lone || breakout) {
        return { rule: substituted ? 'command_substitution' : 'separator_command', confidence: argument ? 0.9 : 0.8, fragment };
      }
    }
    const pathArgument = argument && !/^\d+$/.test(words[1] ?? '');
    if (i === 0 && commands.length === 1 && words.length <= 6 && name !== 'type' && name !== 'set' && (STANDALONE.has(name) ? pathArgument : argument) && commandLine(words)) {
      return { rule: 'bare_command', confidence: 0.65, fragment };
    }
    if (i === 0 && commands.length > 1 && (argument || STANDALONE.has(name)) && commands[1].separator !== '`') {
      return { rule: 'command_then_separator', confidence: 0.75, fragment };
    }
  }
  return null;
}

const OPERATOR = /[;|&`\n<>]|\$\(/;
const CANDIDATE_WORD = /[a-z][\w.-]*/g;
const CODE_EXEC_NAMES = new Set(['system', 'exec', 'shell_exec', 'passthru', 'popen', 'proc_open', 'pcntl_exec', 'eval', 'assert', 'os', 'subprocess', 'runtime']);

/**
 * Cheap pre-check: without a utility name (after removing the quoting a shell would remove) or a path there is
 * no command to find. `$'...'` (ANSI-C escapes) can spell any name, so it always goes to the tokenizer.
 */
function mayHoldCommand(value: string): boolean {
  if (value.includes('/') || value.includes('\\') || value.includes("$'") || value.includes('<!--')) return true;
  const plain = value.toLowerCase().replace(/['"\\^]|\$[@*\d]|\$\{[@*\d]\}/g, '');
  for (const word of plain.match(CANDIDATE_WORD) ?? []) {
    if (UTILITIES.has(word) || CODE_EXEC_NAMES.has(word.replace(/\..*$/, ''))) return true;
  }
  return false;
}

export function detectCmdi(value: string): CmdiVerdict | null {
  if (!SHELL_META.test(value)) {
    // One plain command line at most: worth tokenizing only when it starts with a utility or a path.
    const first = /^\s*(\S+)/.exec(value)?.[1];
    if (!first || (!UTILITIES.has(first.toLowerCase()) && !first.includes('/'))) return null;
  }
  if (!mayHoldCommand(value)) return null;
  if (SSI_EXEC.test(value)) return { rule: 'ssi_exec', confidence: 0.95, fragment: value.slice(0, 80) };
  const call = CODE_EXEC_FUNCTIONS.exec(value);
  if (call && /[;|&`'"]/.test(value)) return { rule: 'code_exec_function', confidence: 0.85, fragment: call[0].trim() };
  const verdict = judge(shellCommands(value));
  if (verdict) return verdict;
  // The value may close a quoted string the application built the command line with; that matters only when
  // an operator follows the quote that closes it.
  for (const quote of ["'", '"'] as const) {
    const at = value.indexOf(quote);
    if (at < 0 || !OPERATOR.test(value.slice(at + 1))) continue;
    const inside = judge(shellCommands(value, quote));
    if (inside) return inside;
  }
  return null;
}
