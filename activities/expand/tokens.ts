import { encode } from 'gpt-tokenizer/encoding/cl100k_base';

/**
 * Token count with the cl100k_base BPE: the figure training teams budget with. `gpt-tokenizer` (pure
 * JavaScript, CommonJS build) gives the same counts as tiktoken at 10-25x the speed of js-tiktoken here,
 * which matters when every document of a 64-way expansion is counted.
 */
export function countTokens(text: string): number {
  return encode(text).length;
}
