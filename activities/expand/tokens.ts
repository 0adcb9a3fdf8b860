// js-tiktoken ships CommonJS builds (dist/*.cjs) beside its ESM, but its type declarations are ESM-only,
// which a CommonJS project cannot `import`: require the CJS build and type the one class we use.
type Encoder = { encode(text: string): number[] };
const { Tiktoken } = require('js-tiktoken/lite') as { Tiktoken: new (ranks: unknown) => Encoder };

let encoder: Encoder | null = null;

/** Token count with the cl100k_base BPE (js-tiktoken): the figure training teams budget with. */
export function countTokens(text: string): number {
  encoder ??= new Tiktoken(require('js-tiktoken/ranks/cl100k_base'));
  return encoder.encode(text).length;
}
