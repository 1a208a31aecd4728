// The compile worker: lifts and optimizes regions of guest code and compiles them into wasm
// modules off the main thread, and posts the compiled WebAssembly.Module back, so the main thread
// only instantiates. Direct compiles use the wasm
// writer; binaryen is loaded here only when a request asks for it. Requests and replies travel
// over the MessagePort handed in workerData, answered in the order they came.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Func } from '@ferry/ir';
import { liftRegion, type LiftHints } from '@ferry/lift-riscv';
import { runPipeline, type PipelineName } from '@ferry/opt';
import { compileDirectModule, type JitModule } from '@ferry/backend-wasm/baseline';
import { regionBlocks, type CompileOptions, type CompileReply, type CompileRequest, type RegionCode } from './compile-client.js';

const port = (workerData as { port: MessagePort }).port;

async function compile(funcs: Func[], options: CompileOptions): Promise<JitModule> {
  const shared = { promoteRegisters: options.promoteRegisters ?? false, countTransfers: options.countTransfers ?? false };
  // Regions come here because they are hot: V8 compiles them straight to TurboFan when the module
  // is made (in this worker), with no Liftoff phase on the main thread first.
  if (options.codegen === 'direct') return compileDirectModule(funcs, { ...shared, eagerTopTier: true });
  const { compileJitModule } = await import('@ferry/backend-wasm');
  return compileJitModule(funcs, { ...(options.passes ? { passes: options.passes } : {}), ...shared });
}

/** Lifts a region from its code (regionBlocks) and runs the IR pipeline over it. */
function liftAndOptimize(region: RegionCode, pipeline: PipelineName, hints: LiftHints | undefined): Func {
  const blocks = regionBlocks(region);
  const func = liftRegion(blocks, hints);
  runPipeline(func, pipeline);
  return func;
}

let queue = Promise.resolve();
port.on('message', (request: CompileRequest) => {
  queue = queue.then(async () => {
    const started = performance.now();
    try {
      const funcs = request.regions.map((region) => liftAndOptimize(region, request.pipeline, request.hints));
      const compiled = await compile(funcs, request.options);
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
