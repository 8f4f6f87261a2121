// The official JavaScript client (@kubernetes/client-node, pinned in package.json) against the Metrics
// API through the fake apiserver's aggregation layer.
//
// Usage: node metrics_check.mjs KUBECONFIG EXPECT_JSON            check every call against the farm
//        node metrics_check.mjs KUBECONFIG EXPECT_JSON --unavailable   metrics-server is gone: expect 503
//
// EXPECT_JSON is kubelet-farm's --expect-file (usage per node, pod and container). The kubeconfig
// carries the apiserver's CA as certificate-authority-data and a bearer token; KubeConfig hands both
// to its https agent, so no NODE_EXTRA_CA_CERTS is needed. Exits non-zero with one line saying what
// differed.
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';

const API_VERSION = 'metrics.k8s.io/v1beta1';
// Nanocores per container: metrics-server's rates against the farm's (as in kubectl_top_test.sh).
const CPU_TOLERANCE_NANOCORES = 1000n;

function check(cond, message) {
  if (!cond) {
    console.error(`FAIL: ${message}`);
    process.exit(1);
  }
}

const DECIMAL_SUFFIX = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

// A Kubernetes quantity (apimachinery resource.Quantity syntax) times `unit`, exactly, as a BigInt
// (throws when the value is not a whole number of units): scaled(q, 10n ** 9n) is nanocores.
function scaled(text, unit = 1n) {
  const m = QUANTITY.exec(String(text));
  if (!m || (m[2] === '' && !m[3])) throw new Error(`not a Kubernetes quantity: ${text}`);
  const [, sign, whole, fraction = '', exponent, suffix = ''] = m;
  let numerator = BigInt(whole + fraction || '0') * unit;
  let denominator = 10n ** BigInt(fraction.length);
  let exp10 = exponent !== undefined ? Number(exponent) : DECIMAL_SUFFIX[suffix] ?? 0;
  if (suffix in BINARY_SUFFIX) numerator *= 2n ** BigInt(BINARY_SUFFIX[suffix]);
  if (exp10 >= 0) numerator *= 10n ** BigInt(exp10);
  else denominator *= 10n ** BigInt(-exp10);
  if (numerator % denominator !== 0n) throw new Error(`${text} is not a whole number of 1/${unit}`);
  return (sign === '-' ? -1n : 1n) * (numerator / denominator);
}

const abs = (v) => (v < 0n ? -v : v);

function checkUsage(what, usage, want, containers) {
  const cpu = scaled(usage.cpu, 10n ** 9n);
  check(abs(cpu - BigInt(want.cpu_nanocores)) <= CPU_TOLERANCE_NANOCORES * BigInt(containers),
    `${what} cpu ${usage.cpu} = ${cpu} nanocores, farm's ${want.cpu_nanocores}`);
  const memory = scaled(usage.memory);
  check(memory === BigInt(want.memory_bytes), `${what} memory ${usage.memory} = ${memory} bytes, farm's ${want.memory_bytes}`);
}

function checkList(body, kind) {
  check(body.kind === kind, `kind ${body.kind}, want ${kind}`);
  check(body.apiVersion === API_VERSION, `apiVersion ${body.apiVersion}, want ${API_VERSION}`);
  check(Array.isArray(body.items), `${kind} has no items`);
  return body.items;
}

function checkPods(items, pods, wanted, what) {
  const got = items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`).sort();
  check(JSON.stringify(got) === JSON.stringify([...wanted].sort()), `${what}: pods ${got}, want ${[...wanted].sort()}`);
  for (const item of items) {
    const key = `${item.metadata.namespace}/${item.metadata.name}`;
    const want = pods.get(key);
    check(typeof item.window === 'string' && item.window.length > 0, `${what}: ${key} has no window`);
    const names = item.containers.map((c) => c.name).sort();
    const wantNames = want.containers.map((c) => c.name).sort();
    check(JSON.stringify(names) === JSON.stringify(wantNames), `${what}: ${key} containers ${names}, want ${wantNames}`);
    for (const c of item.containers) {
      checkUsage(`${what}: ${key}/${c.name}`, c.usage, want.containers.find((w) => w.name === c.name), 1);
    }
  }
}

async function checkServing(kubeconfig, expect) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const metrics = new k8s.Metrics(kc);
  const nodes = new Map(expect.nodes.map((n) => [n.name, n]));
  const pods = new Map(expect.nodes.flatMap((n) => n.pods.map((p) => [`${p.namespace}/${p.name}`, p])));

  const nodeItems = checkList(await metrics.getNodeMetrics(), 'NodeMetricsList');
  const nodeNames = nodeItems.map((i) => i.metadata.name).sort();
  check(JSON.stringify(nodeNames) === JSON.stringify([...nodes.keys()].sort()), `nodes ${nodeNames}, want ${[...nodes.keys()]}`);
  for (const item of nodeItems) checkUsage(`node ${item.metadata.name}`, item.usage, nodes.get(item.metadata.name), 1);
  console.log(`ok: getNodeMetrics(): ${nodeItems.length} nodes, usage as the farm's`);

  const all = checkList(await metrics.getPodMetrics(), 'PodMetricsList');
  checkPods(all, pods, pods.keys(), 'getPodMetrics()');
  console.log(`ok: getPodMetrics(): ${all.length} pods, every container's usage as the farm's`);

  // The namespace with the most pods, so that the filter has something to drop and keep.
  const counts = new Map();
  for (const p of pods.values()) counts.set(p.namespace, (counts.get(p.namespace) ?? 0) + 1);
  const namespace = [...counts.keys()].sort().reduce((a, b) => (counts.get(b) > counts.get(a) ? b : a));
  const inNamespace = [...pods.keys()].filter((k) => k.startsWith(`${namespace}/`));
  check(inNamespace.length < pods.size, `every pod is in ${namespace}`);
  const some = checkList(await metrics.getPodMetrics(namespace), 'PodMetricsList');
  checkPods(some, pods, inNamespace, `getPodMetrics(${namespace})`);
  console.log(`ok: getPodMetrics(${namespace}): ${some.length} of ${pods.size} pods`);

  const none = checkList(await metrics.getPodMetrics('no-such-namespace'), 'PodMetricsList');
  check(none.length === 0, `getPodMetrics(no-such-namespace) listed ${none.length} pods`);
  console.log('ok: getPodMetrics(no-such-namespace): an empty list');

  // 1.4.0's Metrics has no getPodMetrics(namespace, name) (its signature is getPodMetrics(namespace?));
  // a single pod is looked at through topPods, the library's `kubectl top pod`, which joins CoreV1's pod
  // list with getPodMetrics(namespace) and sums each pod's containers (CPU in cores as a Number, memory
  // in bytes as a Number or BigInt).
  check(k8s.Metrics.prototype.getPodMetrics.length <= 1, 'getPodMetrics takes a name now: test it');
  const top = await k8s.topPods(kc.makeApiClient(k8s.CoreV1Api), metrics, namespace);
  const topKeys = top.map((s) => `${s.Pod.metadata.namespace}/${s.Pod.metadata.name}`).sort();
  check(JSON.stringify(topKeys) === JSON.stringify(inNamespace.sort()), `topPods(${namespace}): ${topKeys}, want ${inNamespace}`);
  for (const s of top) {
    const key = `${s.Pod.metadata.namespace}/${s.Pod.metadata.name}`;
    const want = pods.get(key);
    const cpu = Number(s.CPU.CurrentUsage) * 1e9;
    check(Math.abs(cpu - want.cpu_nanocores) <= Number(CPU_TOLERANCE_NANOCORES) * want.containers.length + 1,
      `topPods: ${key} cpu ${s.CPU.CurrentUsage} cores, farm's ${want.cpu_nanocores} nanocores`);
    check(BigInt(s.Memory.CurrentUsage) === BigInt(want.memory_bytes),
      `topPods: ${key} memory ${s.Memory.CurrentUsage}, farm's ${want.memory_bytes}`);
    check(s.Containers.length === want.containers.length, `topPods: ${key} has ${s.Containers.length} containers`);
  }
  console.log(`ok: topPods(CoreV1Api, Metrics, ${namespace}): ${top.length} pods summed as the farm's`);
}

// With metrics-server stopped the aggregator answers 503; Metrics must reject with an ApiException
// carrying that code (it parses the Status body only for 500s).
async function checkUnavailable(kubeconfig) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  try {
    const body = await new k8s.Metrics(kc).getNodeMetrics();
    check(false, `getNodeMetrics() succeeded without metrics-server: ${JSON.stringify(body).slice(0, 200)}`);
  } catch (e) {
    check(e instanceof k8s.ApiException, `getNodeMetrics() threw ${e}, want an ApiException`);
    check(e.code === 503, `getNodeMetrics(): ApiException code ${e.code}, want 503: ${e.message}`);
  }
  console.log('ok: getNodeMetrics() without metrics-server: ApiException 503');
}

const [kubeconfig, expectPath, mode] = process.argv.slice(2);
check(kubeconfig && expectPath, 'usage: metrics_check.mjs KUBECONFIG EXPECT_JSON [--unavailable]');
try {
  if (mode === '--unavailable') await checkUnavailable(kubeconfig);
  else await checkServing(kubeconfig, JSON.parse(readFileSync(expectPath, 'utf8')));
} catch (e) {
  check(false, `${e?.constructor?.name ?? 'error'}: ${e?.message ?? e}${e?.body ? ` ${JSON.stringify(e.body)}` : ''}`);
}
