// Reads the golden ESC/POS files with npos (an ESC/POS parser from npm, not written here) and
// iconv-lite: the text between npos' commands, decoded from the file's code page (cp858, euc-kr,
// gb18030), must be the text file beside it line by line; German files must select code page 19
// (`ESC t 19`) and carry the euro sign, where the text has one, as 0xD5.
//
// npos 0.1.19 has no rule for `GS ( k` (QR codes); one is added, with npos' own `d16` splitter
// (a two-byte length, then that many bytes), as its README shows for custom rules.
'use strict';
const fs = require('fs');
const path = require('path');
const npos = require('npos');
const iconv = require('iconv-lite');

const CODECS = { ko: 'euc-kr', zh: 'gb18030', de: 'cp858' };
const rules = JSON.parse(JSON.stringify(require('npos/lib/parser/rules')));
rules[0x1d]['(k'] = [0, 'd16'];
const parser = npos.parser(rules);

async function check(file) {
  const raw = fs.readFileSync(file);
  const lang = path.basename(file).split('-')[0];
  const ast = await parser.parse(raw);
  if (ast.error) throw new Error(`${file}: npos: ${ast.error.message}`);
  const text = ast.tree
    .filter((n) => n.ascii === 'STX')
    .map((n) => raw.subarray(n.offset, n.offset + n.length));
  const decoded = text.map((b) => iconv.decode(b, CODECS[lang])).join('');
  const lines = decoded.split('\n').filter((l) => l.length > 0);
  const expected = fs.readFileSync(file.replace(/\.bin$/, '.txt'), 'utf8').split('\n').filter((l) => l.length > 0);
  for (let i = 0; i < Math.max(lines.length, expected.length); i++) {
    if (lines[i] !== expected[i]) {
      throw new Error(`${file} line ${i + 1}: npos read ${JSON.stringify(lines[i])}, expected ${JSON.stringify(expected[i])}`);
    }
  }
  if (lang === 'de') {
    const cp19 = ast.tree.some((n) => n.ascii === 'ESC' && n.fn === 't' && raw[n.offset + 2] === 19);
    if (!cp19) throw new Error(`${file}: code page 19 is not selected`);
    if (expected.some((l) => l.includes('€')) && !text.some((b) => b.includes(0xd5))) {
      throw new Error(`${file}: no euro sign as 0xD5`);
    }
  }
  const commands = ast.tree.filter((n) => n.ascii !== 'STX').length;
  console.log(`${path.basename(file)}: ${commands} commands, ${lines.length} lines read back by npos and iconv-lite ${CODECS[lang]}`);
}

(async () => {
  const dir = process.argv[2] || 'crates/pos-escpos/tests/golden';
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();
  if (files.length === 0) throw new Error(`no .bin files in ${dir}`);
  for (const f of files) await check(path.join(dir, f));
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
