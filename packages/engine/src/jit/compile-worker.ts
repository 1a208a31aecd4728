// The compile worker: loads binaryen (through backend-wasm) off the main thread, compiles batches
// of lifted IR into wasm modules, and posts the compiled WebAssembly.Module back, so the main
// thread only instantiates. Requests and replies travel over the MessagePort handed in workerData.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Func } from '@ferry/ir';
import { compileJitModule, type JitOptions } from '@ferry/backend-wasm';
import type { CompileReply, CompileRequest } from './compile-client.js';

const port = (workerData as { port: MessagePort }).port;
port.on('message', (request: CompileRequest) => {
  const started = performance.now();
  try {
    const funcs = request.funcs.map((f) => Func.fromData(f));
    const compiled = compileJitModule(funcs, request.options as JitOptions);
    const module = new WebAssembly.Module(compiled.binary as Uint8Array<ArrayBuffer>);
    const reply: CompileReply = { id: request.id, module, exports: compiled.exports, compileMs: performance.now() - started };
    port.postMessage(reply);
  } catch (e) {
    const reply: CompileReply = { id: request.id, error: (e as Error).message, compileMs: performance.now() - started };
    port.postMessage(reply);
  }
});
parentPort?.postMessage('ready');
