"""Sequential keep-alive GETs against metrics-server, one connection per case, rounds interleaved so that
machine noise hits every case alike. Prints the median latency per case and its ratio to the baseline.
Usage: auth_overhead.py CA_FILE REQUESTS CASE... where CASE is name=url[,cert=FILE,key=FILE][,header=K:V]..."""
import http.client, ssl, statistics, sys, time, urllib.parse

ca, requests, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
cases = []
for spec in specs:
    name, rest = spec.split("=", 1)
    parts = rest.split(",")
    url = urllib.parse.urlsplit(parts[0])
    options = dict(p.split("=", 1) for p in parts[1:] if "=" in p and not p.startswith("header="))
    headers = dict(p[len("header="):].split(":", 1) for p in parts[1:] if p.startswith("header="))
    context = ssl.create_default_context(cafile=ca)
    if "cert" in options:
        context.load_cert_chain(options["cert"], options["key"])
    connection = http.client.HTTPSConnection(url.hostname, url.port, context=context)
    cases.append((name, connection, url.path, headers, []))

for _ in range(requests // 100):
    for name, connection, path, headers, samples in cases:
        for _ in range(100):
            start = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            samples.append(time.perf_counter() - start)
            if response.status != 200:
                sys.exit(f"{name}: HTTP {response.status}")

baseline = statistics.median(cases[0][4])
for name, _, _, _, samples in cases:
    median = statistics.median(samples)
    print(f"{name:45s} median {median * 1e6:8.1f} us  p99 {sorted(samples)[int(len(samples) * 0.99)] * 1e6:8.1f} us  x{median / baseline:.2f}")
