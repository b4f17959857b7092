/**
 * Long RUN chains are read piece by piece (`parsePieces` in shell.ts): the commands, words,
 * positions, conditions and pipeline ids must be exactly what the grammar gives for the
 * whole text, on every script of the real-world-shaped corpus, hadolint's spec Dockerfiles
 * and texts written to sit on each edge of the splitter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCorpus, generateRealWorldCorpus } from '../../../bench/dockerfile-corpus.ts';
import { caseStatement, parseShell, parseShellTree, shellParser, simplePiece, substitutionAssignment, topLevelPieces, unaryTest } from './shell.ts';
import { parseWith } from './parse.ts';
import { MappedText } from './text.ts';

const SH = ['/bin/sh', '-c'];

function mapped(text: string): MappedText {
  const m = new MappedText();
  // Two pieces, as a continuation gives: positions must map across the join.
  const cut = Math.floor(text.length / 2);
  m.append(text.slice(0, cut), 3, 5);
  m.append(text.slice(cut), 4, 1);
  return m;
}

/** Every shell text the Dockerfile door would hand to `parseShell`, heredoc bodies included. */
async function scriptsOf(dockerfiles: readonly string[]): Promise<string[]> {
  const parser = await shellParser();
  const out: string[] = [];
  for (const text of dockerfiles) {
    let spec;
    try {
      spec = parseWith(parser, text, { file: 'Dockerfile' });
    } catch {
      continue;
    }
    for (const i of spec.instructions) {
      const ins = i.onbuild ?? i;
      if (!ins.shell) continue;
      // The command line with heredoc markers blanked, as the door parses it, and each body.
      out.push(ins.shell.text.split('\n')[0] as string);
      for (const h of ins.heredocs) if (h.script) out.push(h.body);
    }
  }
  return out;
}

type ShellParser = Awaited<ReturnType<typeof shellParser>>;

function sameAsGrammar(parser: ShellParser, text: string): boolean {
  const pieces = parseShell(parser, mapped(text), SH, 'Dockerfile', 2);
  const whole = parseShellTree(parser, mapped(text), SH, 'Dockerfile', 2);
  assert.deepEqual(pieces, whole, text);
  for (const p of topLevelPieces(text) ?? []) simpleAsGrammar(parser, text.slice(p.start, p.end));
  return (topLevelPieces(text)?.length ?? 0) > 1;
}

/** Where `simplePiece` reads a text, it reads what the grammar reads; returns whether it read it. */
function simpleAsGrammar(parser: ShellParser, text: string): boolean {
  const simple = simplePiece(mapped(text), SH, 'Dockerfile', 5) ?? substitutionAssignment(mapped(text), SH, 'Dockerfile', 5) ?? unaryTest(mapped(text), SH, 5) ?? caseStatement(mapped(text), SH, 'Dockerfile', 5);
  if (simple) assert.deepEqual(simple, parseShellTree(parser, mapped(text), SH, 'Dockerfile', 5), text);
  return simple !== undefined;
}

test('simple pieces: read without the grammar exactly as the grammar reads them, and only those', async () => {
  const parser = await shellParser();
  const read = [
    'rm -rf /var/lib/apt/lists/*',
    'tar -xzf a.tar.gz -C /usr/src/a --strip-components=1',
    'apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false',
    'echo "$A_SHA256 *a.tar.gz" | sha256sum -c -',
    'wget -O a.tar.gz "$A_URL"',
    "apt-mark auto '.*' > /dev/null",
    'apt-mark manual $saved > /dev/null',
    'a 2>/dev/null',
    'a >&2',
    'a 2>&1 >> f',
    "find /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { so = $(NF-1); print so }' | sort -u | xargs -r apt-mark manual",
    './configure --build="$gnuArch" --prefix=/usr/local ${extra} x$y.z "" \'\' "a b"c\'d\'',
    'make -j "$nproc"',
    'a|b|c',
    'savedAptMark="$(apt-mark showmanual)"',
    '  arch="$(uname -m)" ',
    'gnuArch="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE 2>/dev/null || echo unknown)"',
    "dpkgArch=\"$(dpkg --print-architecture | awk -F- '{ print $NF }')\"",
    'x="$( a | b ; c && d | e )"',
    '[ -z "$savedAptMark" ]',
    '[ -f /etc/os-release ]',
    '[ -n "" ]',
    'useradd -r -g app --uid=999 --home-dir=/var/lib/app --shell=/bin/bash app',
    'echo n%p 1777 -j4 2',
    'export x="$(a)"',
    '\texport GNUPGHOME="$(mktemp -d)" ',
    'export A="$( a | b ; c && d | e )"',
    "case \"$arch\" in aarch64) extraConfig='--with-lg-page=16' ;; x86_64) extraConfig='--enable-sse' ;; *) extraConfig='' ;; esac",
    "\tcase \"$arch\" in \t\taarch64) extraConfig='--with-lg-page=16' ;; \t\tx86_64) extraConfig='--enable-sse' ;; \t\t*) extraConfig='' ;; \tesac ",
    'case $x in a|b) echo a | tr a b ;; c ) x=1; make -j "$n" && make install ;; *) ;; esac',
    'case x in a) b ;; esac',
    'case "$x" in a) A="b c" ;; b*) echo "$x" > /dev/null ;; esac',
  ];
  const left = ['x="$(a)"b', 'x="$(a)" b', 'x="$(if a; then b; fi)"', 'x="$(a $(b))"', 'x="$()"', 'x="$(a)', 'export x="$(a)" y=1', 'export -n x="$(a)"', 'export x=$(a)', 'readonly x="$(a)"', 'case x in a) b ;; esac; c', 'case x in a) b ;;& esac', 'case x in a) b ;& esac', 'case x in a) b ;; esac x', 'case x in a) b esac', 'case x in (a) b ;; esac', 'case x in a) case y in b) c ;; esac ;; esac', 'case x in a) echo esac ;; esac', 'case $(a) in a) b ;; esac', 'case x in a) $(b) ;; esac', 'case x in a) b & ;; esac', 'case x in a) { b; } ;; esac', 'case x in a) b # c ;; esac', 'case x in a) if b; then c; fi ;; esac', 'case x in a) x=$y ;; esac', '[ -z "$x" ] x', '[ a = b ]', '[ -z $x ]', '2 x', '-a', ':', 'echo %n#p', 'FOO=1 make', 'export A=1', 'unset A', 'a > f | b', 'a | b > f', 'a 12>f', 'a2>f', 'echo # c', "echo 'a'#b", 'echo $1', 'echo "$@"', 'echo ${X:-y}', 'echo "$(a)"', 'echo `a`', 'echo ~', 'echo a[0]', 'echo {a,b}', 'echo "a\\"b"', 'a || b', 'a &', 'a < f', 'a &> f', 'a >| f', '$CMD x', 'if a', 'echo "$X[0]"', 'a |& b', 'a | | b', '| a', 'a |', 'a >'];
  for (const t of read) assert.ok(simpleAsGrammar(parser, t), `"${t}" is read without the grammar`);
  for (const t of left) assert.ok(!simpleAsGrammar(parser, t), `"${t}" is left to the grammar`);
});

test('simple pieces: random commands made of every word form agree with the grammar', async () => {
  const parser = await shellParser();
  let seed = 12;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const inner = ['a', 'a b', 'a | b', 'a || b', 'a; b', 'a 2>/dev/null || b', "awk '{ print $1 }'", ' a ', '', 'a &', 'a "$(b)"', 'a)', 'case x in a) b;; esac'];
  const bodies = ['', 'a', ' a b ', 'a | b', 'a && b || c', 'x=1', "x='a b'", 'x="a $b"', 'x=', 'x=1 y=2', 'x=1 a', 'a; x=2', 'a > /dev/null', "echo 'a;;b'", 'echo "a;;b"', 'a;', '!a', 'a |'];
  const patterns = ['a', '*', 'x86_64', 'a|b', 'a | b', '-x', 'a*b?', 'in', 'esac', '"a"'];
  let cases = 0;
  let exports = 0;
  for (let k = 0; k < 400; k++) {
    const t = `${pick(['x', 'A_1', '1x', '', 'export x', 'export  A_1', 'export 1x'])}=${pick(['"$(', '"$( ', '$(', '"$('])}${pick(inner)}${pick(inner)}${pick([')"', ' )"', ')', ')" ', ')"x'])}`;
    if (simpleAsGrammar(parser, t) && t.startsWith('export')) exports++;
    // Mostly well-formed statements, each part sometimes replaced by one the reader must refuse.
    const odd = <T>(good: readonly T[], bad: readonly T[]): T => (rnd() < 0.85 ? pick(good) : pick(bad));
    for (let r = 0; r < 3; r++) {
      let c = `${pick(['case', ' case', '\tcase'])} ${odd(['"$x"', '$x', 'x'], ['"x y"', '$(a)'])} ${odd(['in', 'in\t'], ['on'])} `;
      for (let n = Math.floor(rnd() * 4); n >= 0; n--) c += `${pick(['', ' ', '\t'])}${odd(patterns.slice(0, 7), patterns.slice(7))}${odd([')', ' )'], [''])} ${pick(bodies)} ${odd([';;'], [';', ';&', ''])} `;
      c += odd(['esac', 'esac ', ' esac'], ['esac; a', '']);
      if (simpleAsGrammar(parser, c)) cases++;
    }
    const u = `[ ${pick(['-z', '-f', '-n', '-q', '!', 'a'])} ${pick(['"$x"', '/p', '""', '$x', '"a b"', ']'])} ${pick([']', '] x', '', ']]'])}`;
    simpleAsGrammar(parser, u);
  }
  console.log(`random case statements read without the grammar: ${cases} of 1200; export substitutions: ${exports}`);
  assert.ok(cases > 100 && exports > 10, `${cases} case statements and ${exports} export substitutions read without the grammar`);
  const parts = ['a', 'apt-get', '-y', '--x=1', 'k=v', '1777', '2', '/p/*', '%n#p', '.', '-', "'q'", "'a b;|'", "''", '"s"', '"$V"', '"a $V b"', '""', '$V', '${V}', '$V_x', '#', '=', '*', '@', 'x:y'];
  const seps = [' ', ' ', '\t', ' | ', '|', ' > ', ' >/dev/null', ' 2>&1', ' 2>', ''];
  let read = 0;
  for (let k = 0; k < 12000; k++) {
    let t = pick(['cmd', 'make', 'echo', 'x']);
    const len = 1 + Math.floor(rnd() * 6);
    for (let w = 0; w < len; w++) t += pick(seps) + pick(parts) + (rnd() < 0.3 ? pick(parts) : '');
    if (simpleAsGrammar(parser, t)) read++;
  }
  assert.ok(read > 1000, `${read} of 12000 random commands read without the grammar`);
});

test('edges of the splitter: the same reading as the whole-text grammar', async () => {
  const parser = await shellParser();
  const split = [
    'a && b || c',
    'a || b && c',
    'a || b || c && d; e',
    'a | b || c | d && e',
    'set -eux; apt-get update; apt-get install -y x; rm -rf /var/lib/apt/lists/*',
    'x="$(a; b)"; c',
    "echo 'a;b' && echo \"c;d $(e || f)\" ; g",
    'cmd 2>/dev/null || echo unknown; b',
    'a > /dev/null; [ -z "$x" ] || b $x > /dev/null',
    "case \"$arch\" in aarch64) x='--a' ;; x86_64) x='--b' ;; *) x='' ;; esac; cd /usr/src",
    'if true; then a; else b; fi; c || d',
    'for x in 1 2; do a $x; done && b',
    'while a; do b; done; c',
    'echo if; echo fi; d',
    'a\\;b; c',
    'echo ${x:-a;b}; c',
    'export A="$(mktemp -d)"; gpg --batch --recv-keys ABC; rm -rf "$A"',
    'a ;  b ; ',
    'a &>/dev/null; b >&2; c >| f; d <> f; e |& f',
    'echo \'%n#p\' | tr x y; z',
    'FOO=1 make; BAR=2',
    'a && b || c && d || e',
  ];
  const whole = [
    'a & b; c',
    'a; # c; d',
    'a; (b; c); d',
    '{ a; b; }; c',
    'a;; b',
    '; a',
    'a && ; b',
    'a &&',
    'a\nb; c',
    'echo `a; b`; c',
    'a <<< x; b',
    'f() { a; }; f',
    '! a; b',
    '[[ a ]]; b',
    'case x in a) b ;; esac',
    'if a; then echo fi; b; fi; c',
    'x=$(case y in a) b ;; esac); c',
    "echo 'unterminated; b",
    'echo "unterminated; b',
    'a $(b; c',
    'time a; b',
    'echo done; b',
    'a;',
  ];
  for (const t of split) assert.ok(sameAsGrammar(parser, t), `expected "${t}" to be read piece by piece`);
  for (const t of whole) sameAsGrammar(parser, t);
  for (const t of ['a & b; c', 'a; # c; d', 'a; (b; c); d', '{ a; b; }; c', 'a\nb; c', 'echo `a; b`; c', 'a <<< x; b', 'f() { a; }; f', '! a; b', '[[ a ]]; b', 'a &&', 'time a; b']) {
    assert.equal(topLevelPieces(t), undefined, `"${t}" is left whole`);
  }
});

test('every script of the real-world-shaped and generated corpora reads the same piece by piece', async () => {
  const parser = await shellParser();
  const texts = await scriptsOf([...generateRealWorldCorpus(300, 77).map((f) => f.text), ...generateCorpus(300).map((f) => f.text)]);
  let split = 0;
  for (const t of texts) if (sameAsGrammar(parser, t)) split++;
  assert.ok(split > texts.length / 3, `most long chains are split (${split} of ${texts.length})`);
});

test("every script of hadolint's spec Dockerfiles reads the same piece by piece", async () => {
  const parser = await shellParser();
  const cases = readFileSync(join(import.meta.dirname, '../../../test/conformance/hadolint/cases.jsonl'), 'utf8').split('\n').filter(Boolean);
  const texts = await scriptsOf(cases.map((l) => (JSON.parse(l) as { dockerfile: string }).dockerfile));
  let split = 0;
  for (const t of texts) if (sameAsGrammar(parser, t)) split++;
  assert.ok(texts.length > 500 && split > 50, `${texts.length} scripts, ${split} split`);
});
