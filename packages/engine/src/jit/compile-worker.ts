// The compile worker: compiles batches of lifted IR into wasm modules off the main thread and posts
// the compiled WebAssembly.Module back, so the main thread only instantiates. Direct compiles use
// the wasm writer; binaryen is loaded here only when a request asks for it. Requests and replies
// travel over the MessagePort handed in workerData, answered in the order they came.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Func } from '@ferry/ir';
import { compileDirectModule, type JitModule } from '@ferry/backend-wasm/baseline';
import type { CompileOptions, CompileReply, CompileRequest } from './compile-client.js';

const port = (workerData as { port: MessagePort }).port;

async function compile(funcs: Func[], options: CompileOptions): Promise<JitModule> {
  if (options.codegen === 'direct') return compileDirectModule(funcs, options.promoteRegisters ?? false);
  const { compileJitModule } = await import('@ferry/backend-wasm');
  return compileJitModule(funcs, { ...(options.passes ? { passes: options.passes } : {}), promoteRegisters: options.promoteRegisters ?? false });
}

let queue = Promise.resolve();
port.on('message', (request: CompileRequest) => {
  queue = queue.then(async () => {
    const started = performance.now();
    try {
      const compiled = await compile(request.funcs.map((f) => Func.fromData(f)), request.options);
      const module = new WebAssembly.Module(compiled.binary as Uint8Array<ArrayBuffer>);
      const reply: CompileReply = { id: request.id, module, exports: compiled.exports, compileMs: performance.now() - started };
      port.postMessage(reply);
    } catch (e) {
      const reply: CompileReply = { id: request.id, error: (e as Error).message, compileMs: performance.now() - started };
      port.postMessage(reply);
    }
  });
});
parentPort?.postMessage('ready');
