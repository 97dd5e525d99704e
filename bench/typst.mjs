// Compiles a Typst file to PDF with the Typst compiler from npm
// (@myriaddreamin/typst-ts-node-compiler), for the side-by-side benchmark.
// Usage: node bench/typst.mjs MAIN.typ OUT.pdf FONTDIR
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.TYPST_NODE_DIR || process.cwd(), 'x.js'));
const { NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler');
const [main, out, fonts] = process.argv.slice(2);
const compiler = NodeCompiler.create({
  workspace: path.dirname(path.resolve(main)),
  fontArgs: [{ fontPaths: [path.resolve(fonts)] }],
});
const pdf = compiler.pdf({ mainFilePath: path.resolve(main) });
fs.writeFileSync(out, pdf);
