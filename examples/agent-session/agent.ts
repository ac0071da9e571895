import type { ChainWriter } from '@chainlake/client';

/** A scripted stand-in for an LLM agent: what a real one would record at each step. */
const STEPS: [type: string, payload: Record<string, unknown>][] = [
  ['prompt', { role: 'user', text: 'What is 17% of the 2025 revenue of ACME?' }],
  ['llm.call', { model: 'demo-model-1', input_tokens: 412, output_tokens: 38, latency_ms: 820 }],
  ['tool.call', { tool: 'search', args: { query: 'ACME 2025 annual revenue' } }],
  ['tool.result', { tool: 'search', ok: true, result: { revenue_usd: 48_200_000, source: 'annual report' } }],
  ['llm.call', { model: 'demo-model-1', input_tokens: 655, output_tokens: 21, latency_ms: 410 }],
  ['tool.call', { tool: 'calculator', args: { expression: '48200000 * 0.17' } }],
  ['tool.result', { tool: 'calculator', ok: true, result: 8_194_000 }],
  ['llm.call', { model: 'demo-model-1', input_tokens: 702, output_tokens: 64, latency_ms: 640 }],
  ['answer', { role: 'assistant', text: '17% of ACME’s 2025 revenue ($48.2M) is about $8.19M.' }],
];

/** Runs the agent, recording every step through the writer; returns the number of events written. */
export async function runAgent(writer: ChainWriter): Promise<number> {
  for (const [type, payload] of STEPS) {
    await writer.append(type, payload);
    // A real agent waits on models and tools; the writer batches meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return STEPS.length;
}
