// The gradient-flow view's Web Worker: builds, measures and trains the four models off the page's thread.
import { FlowLab, type FlowReply, type FlowRequest } from '../lib/gradient-flow.js';

const lab = new FlowLab(
  (reply: FlowReply) => postMessage(reply),
  () => new Promise((resolve) => setTimeout(resolve, 0)),
);

addEventListener('message', (event: MessageEvent<FlowRequest>) => {
  void lab.handle(event.data);
});
