"""Structural check of one rendered overlay (deploy/kustomize/check runs it).
usage: check-rendered.py OVERLAY RENDERED.yaml [OTHER-RENDERER.yaml …]
Checks what each overlay must contain, then that every other renderer's output means the
same (only the generators' hash suffixes and YAML layout may differ)."""
import base64
import re
import sys

import yaml

SERVICES = ["identity", "catalog", "inventory", "cart", "orders", "payments", "storefront"]
# The services with a database of their own; any other (the storefront) must have no
# database URL, no database and no flow to one.
OWNS_DATA = ["identity", "catalog", "inventory", "cart", "orders", "payments"]
# Who fetches identity's JWKS over HTTP: every service that verifies tokens, i.e. all but
# identity (it signs them) and the storefront (it verifies none; it calls identity by gRPC).
JWKS_CALLERS = ["catalog", "inventory", "cart", "orders", "payments"]
# Internal gRPC, caller → callee: the peers deploy/local/up passes (README "Configuration").
GRPC = {("inventory", "catalog"), ("cart", "catalog"), ("orders", "cart"), ("orders", "inventory"), ("orders", "payments"),
        ("storefront", "catalog"), ("storefront", "inventory"), ("storefront", "cart"), ("storefront", "orders"),
        ("storefront", "identity")}
ROUTES = {  # deploy/nginx/routes.conf
    "/api/v1/auth": "identity", "/api/v1/users": "identity", "/.well-known/jwks.json": "identity",
    "/api/v1/categories": "catalog", "/api/v1/products": "catalog", "/api/v1/openapi.json": "catalog",
    "/api/v1/inventory": "inventory", "/api/v1/cart": "cart", "/api/v1/orders": "orders", "/api/v1/payments": "payments",
    "/": "storefront",
}
# What routes.conf answers at the edge and never proxies (/metrics, /health/*): with "/" going
# to the storefront these must be refused by the Ingress emporium-not-public (every address
# denied), on the same hosts as the routes.
NOT_PUBLIC = {"/metrics", "/health"}
# gRPC peers are dialled through headless Services (<callee>-grpc), so callers balance
# over every pod rather than pinning one behind a ClusterIP.
PEERS = {"EMPORIUM_CATALOG_GRPC": "catalog-grpc:9090", "EMPORIUM_INVENTORY_GRPC": "inventory-grpc:9090",
         "EMPORIUM_CART_GRPC": "cart-grpc:9090", "EMPORIUM_PAYMENTS_GRPC": "payments-grpc:9090",
         "EMPORIUM_ORDERS_GRPC": "orders-grpc:9090", "EMPORIUM_IDENTITY_GRPC": "identity-grpc:9090",
         "EMPORIUM_IDENTITY_URL": "http://identity:8080"}
# Secret settings by service (besides EMPORIUM_SERVICE_SECRET, which every service has and
# EMPORIUM_DATABASE_URL, which exactly the OWNS_DATA services have): (Secret, key).
SECRET_ENV = {"storefront": {"EMPORIUM_SESSION_SECRET": ("emporium-storefront-session", "secret")}}
OVERLAYS = {
    "dev": {"namespace": "emporium-dev", "min": 1, "secrets": {"emporium-service-secret", "emporium-database-urls", "emporium-identity-admin",
                                                               "emporium-storefront-session", "postgres"}},
    "prod": {"namespace": "emporium", "min": 2, "secrets": set()},
}
HASH = re.compile(r"^(.*)-[a-z0-9]{10}$")
errors = []


def fail(msg):
    errors.append(msg)


def load(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    for d in docs:  # base64 is wrapped differently by v2 and v5: compare the values
        if d["kind"] == "Secret":
            d["data"] = {k: base64.b64decode(v).decode() for k, v in d.get("data", {}).items()}
    return docs


def normal(x):
    """Strips generator hash suffixes and empty maps, for comparing two renderers."""
    if isinstance(x, dict):
        return {k: normal(v) for k, v in x.items() if v != {}}
    if isinstance(x, list):
        return [normal(v) for v in x]
    if isinstance(x, str):
        m = HASH.match(x)
        return m.group(1) if m and m.group(1) in GENERATED else x
    return x


def base_name(name):
    m = HASH.match(name)
    return m.group(1) if m else name


overlay, paths = sys.argv[1], sys.argv[2:]
want = OVERLAYS[overlay]
docs = load(paths[0])
GENERATED = {base_name(d["metadata"]["name"]) for d in docs if d["kind"] in ("ConfigMap", "Secret")}
by = {}
for d in docs:
    by.setdefault(d["kind"], {})[base_name(d["metadata"]["name"])] = d

# Renderers agree (kustomize v2.0.3 and v5 where both are present).
for other in paths[1:]:
    a = sorted((normal(d) for d in docs), key=lambda d: (d["kind"], d["metadata"]["name"]))
    b = sorted((normal(d) for d in load(other)), key=lambda d: (d["kind"], d["metadata"]["name"]))
    if a != b:
        fail(f"{paths[0]} and {other} differ (the renderers disagree)")

for d in docs:
    if d["kind"] != "Namespace" and d["metadata"].get("namespace") != want["namespace"]:
        fail(f"{d['kind']}/{d['metadata']['name']}: namespace {d['metadata'].get('namespace')!r}, want {want['namespace']}")
if want["namespace"] not in by.get("Namespace", {}):
    fail(f"no Namespace {want['namespace']}")

config = by.get("ConfigMap", {}).get("emporium-config", {}).get("data", {})
for k, v in PEERS.items():
    if config.get(k) != v:
        fail(f"ConfigMap emporium-config: {k}={config.get(k)!r}, want {v}")
grace_needed = int(config.get("EMPORIUM_DRAIN_DELAY_MS", "0")) / 1000 + int(config.get("EMPORIUM_SHUTDOWN_TIMEOUT", "10"))

# Secrets: only the dev-only generated ones; workloads take secret values by reference only.
if set(by.get("Secret", {})) != want["secrets"]:
    fail(f"Secrets rendered: {sorted(by.get('Secret', {}))}, want {sorted(want['secrets'])}")
SECRETISH = re.compile(r"SECRET|PASSWORD|DATABASE_URL|TOKEN|KEY")
for kind in ("Deployment", "StatefulSet"):
    for name, d in by.get(kind, {}).items():
        for c in d["spec"]["template"]["spec"]["containers"]:
            for e in c.get("env", []):
                if SECRETISH.search(e["name"]) and "secretKeyRef" not in e.get("valueFrom", {}):
                    fail(f"{kind}/{name}: {e['name']} is not a secretKeyRef")
for k, v in config.items():
    if SECRETISH.search(k):
        fail(f"ConfigMap emporium-config holds {k}: a secret belongs in a Secret")
# dev's generated secrets: a database URL for each service that owns data and none other;
# the storefront's session secret long enough to seal cookies (>= 32 bytes).
if overlay == "dev":
    urls = by.get("Secret", {}).get("emporium-database-urls", {}).get("data", {})
    if set(urls) != set(OWNS_DATA):
        fail(f"dev: Secret emporium-database-urls keys {sorted(urls)}, want exactly {sorted(OWNS_DATA)}")
    session = by.get("Secret", {}).get("emporium-storefront-session", {}).get("data", {}).get("secret", "")
    if len(session.encode()) < 32:
        fail(f"dev: Secret emporium-storefront-session secret is {len(session.encode())} bytes, want >= 32")


# A checkov skip must say why: CKV_K8S_nn=<a reason of some words>.
for d in docs:
    for k, v in d["metadata"].get("annotations", {}).items():
        if k.startswith("checkov.io/skip") and not re.match(r"^CKV2?_K8S_\d+=\S.{19,}$", v):
            fail(f"{d['kind']}/{d['metadata']['name']}: {k} without a reason: {v!r}")


def labels_match(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


for s in SERVICES:
    dep = by.get("Deployment", {}).get(s)
    if not dep:
        fail(f"no Deployment {s}")
        continue
    pod = dep["spec"]["template"]
    spec = pod["spec"]
    where = f"Deployment/{s}"
    (c,) = spec["containers"]
    if not re.match(r"^ghcr\.io/emporium/emporium(:[0-9][\w.-]*|@sha256:[0-9a-f]{64})$", c["image"]):
        fail(f"{where}: image {c['image']} is not the pinned emporium image")
    if c.get("args", [])[:6] != ["serve", s, "--host", "0.0.0.0", "--grpc-host", "0.0.0.0"]:
        fail(f"{where}: args {c.get('args')}")
    ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
    if ports != {"http": 8080, "grpc": 9090}:
        fail(f"{where}: ports {ports}")
    for probe, path in (("startupProbe", "/health/live"), ("livenessProbe", "/health/live"), ("readinessProbe", "/health/ready")):
        got = c.get(probe, {}).get("httpGet", {})
        if got.get("path") != path or got.get("port") not in ("http", 8080):
            fail(f"{where}: {probe} {got or 'missing'}, want GET {path} on http")
    for part in ("requests", "limits"):
        for res in ("cpu", "memory"):
            if res not in c.get("resources", {}).get(part, {}):
                fail(f"{where}: no resources.{part}.{res}")
    psc, csc = spec.get("securityContext", {}), c.get("securityContext", {})
    if psc.get("runAsNonRoot") is not True or psc.get("runAsUser", 0) < 10000:
        fail(f"{where}: pod must run as non-root uid >= 10000: {psc}")
    if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        fail(f"{where}: seccomp is not RuntimeDefault")
    if (csc.get("readOnlyRootFilesystem") is not True or csc.get("allowPrivilegeEscalation") is not False
            or csc.get("capabilities", {}).get("drop") != ["ALL"]):
        fail(f"{where}: container securityContext {csc}")
    if spec.get("automountServiceAccountToken") is not False:
        fail(f"{where}: automountServiceAccountToken must be false")
    if not spec.get("topologySpreadConstraints"):
        fail(f"{where}: no topologySpreadConstraints")
    if spec.get("terminationGracePeriodSeconds", 30) <= grace_needed:
        fail(f"{where}: terminationGracePeriodSeconds not above drain delay + shutdown timeout ({grace_needed} s)")
    tmp = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
    if not any(m["mountPath"] == "/tmp" and m["name"] in tmp for m in c.get("volumeMounts", [])):
        fail(f"{where}: no emptyDir at /tmp")
    if not any(base_name(e.get("configMapRef", {}).get("name", "")) == "emporium-config" for e in c.get("envFrom", [])):
        fail(f"{where}: settings not from ConfigMap emporium-config")
    # Secret settings: exactly the expected ones, each from its Secret and key.
    refs = {e["name"]: e.get("valueFrom", {}).get("secretKeyRef", {}) for e in c.get("env", [])}
    want_refs = {"EMPORIUM_SERVICE_SECRET": ("emporium-service-secret", "secret"), **SECRET_ENV.get(s, {})}
    if s in OWNS_DATA:
        want_refs["EMPORIUM_DATABASE_URL"] = ("emporium-database-urls", s)
    elif "EMPORIUM_DATABASE_URL" in refs:
        fail(f"{where}: EMPORIUM_DATABASE_URL set, but {s} owns no data")
    for var, (secret, key) in want_refs.items():
        ref = refs.get(var, {})
        if (base_name(ref.get("name", "")), ref.get("key")) != (secret, key):
            fail(f"{where}: {var} is not secretKeyRef {secret}/{key}: {ref or 'missing'}")
    ann = pod["metadata"].get("annotations", {})
    if (ann.get("prometheus.io/scrape"), ann.get("prometheus.io/port"), ann.get("prometheus.io/path")) != ("true", "8080", "/metrics"):
        fail(f"{where}: prometheus scrape annotations {ann}")
    labels = pod["metadata"]["labels"]

    svc = by.get("Service", {}).get(s)
    if not svc or not labels_match(svc["spec"]["selector"], labels):
        fail(f"Service/{s}: missing or not selecting the Deployment's pods")
    else:
        sp = {p["name"]: (p["port"], p.get("appProtocol")) for p in svc["spec"]["ports"]}
        if sp.get("http", (None,))[0] != 8080 or sp.get("grpc") != (9090, "grpc"):
            fail(f"Service/{s}: ports {sp}")

    if s in {callee for _, callee in GRPC}:
        headless = by.get("Service", {}).get(s + "-grpc")
        if not headless or headless["spec"].get("clusterIP") != "None" or not labels_match(headless["spec"]["selector"], labels) \
                or [(p["port"], p.get("appProtocol")) for p in headless["spec"]["ports"]] != [(9090, "grpc")]:
            fail(f"Service/{s}-grpc: missing, not headless, not selecting the pods or not gRPC 9090 only")

    hpa = by.get("HorizontalPodAutoscaler", {}).get(s)
    if not hpa or hpa["apiVersion"] != "autoscaling/v2" or hpa["spec"]["scaleTargetRef"]["name"] != s:
        fail(f"HorizontalPodAutoscaler/{s}: missing, not autoscaling/v2 or not targeting the Deployment")
    else:
        h = hpa["spec"]
        cpu = [m["resource"]["target"].get("averageUtilization") for m in h.get("metrics", []) if m.get("resource", {}).get("name") == "cpu"]
        if h.get("minReplicas") != want["min"] or h["maxReplicas"] < h["minReplicas"] or cpu != [70]:
            fail(f"HorizontalPodAutoscaler/{s}: min {h.get('minReplicas')} (want {want['min']}), max {h['maxReplicas']}, cpu {cpu}")
        b = h.get("behavior", {})
        if b.get("scaleDown", {}).get("stabilizationWindowSeconds") != 300 or b.get("scaleUp", {}).get("stabilizationWindowSeconds", 1) != 0:
            fail(f"HorizontalPodAutoscaler/{s}: behavior {b}")

    pdb = by.get("PodDisruptionBudget", {}).get(s)
    if not pdb or not labels_match(pdb["spec"]["selector"]["matchLabels"], labels):
        fail(f"PodDisruptionBudget/{s}: missing or not selecting the Deployment's pods")
    elif overlay == "prod" and pdb["spec"].get("minAvailable") != 1:
        fail(f"PodDisruptionBudget/{s}: minAvailable {pdb['spec'].get('minAvailable')}, want 1")

# NetworkPolicies: default deny, DNS, and exactly the flows of ARCHITECTURE.md.
pols = by.get("NetworkPolicy", {})
dd = pols.get("default-deny", {}).get("spec", {})
if dd.get("podSelector") != {} or sorted(dd.get("policyTypes", [])) != ["Egress", "Ingress"] or dd.get("ingress") or dd.get("egress"):
    fail("NetworkPolicy default-deny must select every pod and deny ingress and egress")
dns = pols.get("allow-dns", {}).get("spec", {})
if dns.get("podSelector") != {} or not any(
        {(p["protocol"], p["port"]) for p in r.get("ports", [])} == {("UDP", 53), ("TCP", 53)}
        and r["to"][0].get("namespaceSelector", {}).get("matchLabels") == {"kubernetes.io/metadata.name": "kube-system"}
        for r in dns.get("egress", [])):
    fail("NetworkPolicy allow-dns must allow 53/UDP+TCP to kube-system")

pods = {s: by["Deployment"][s]["spec"]["template"]["metadata"]["labels"] for s in SERVICES if s in by.get("Deployment", {})}
if "postgres" in by.get("StatefulSet", {}):
    pods["postgres"] = by["StatefulSet"]["postgres"]["spec"]["template"]["metadata"]["labels"]


# The graph below reads matchLabels only: a matchExpressions would be silently ignored
# (taken as "every pod"), so none may be used.
for name, pol in pols.items():
    def walk(x, path):
        if isinstance(x, dict):
            if "matchExpressions" in x:
                fail(f"NetworkPolicy/{name}: matchExpressions at {path} (the flow check reads matchLabels only)")
            for k, v in x.items():
                walk(v, f"{path}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, f"{path}[{i}]")
    walk(pol["spec"], "spec")


def selected(pol):
    return {n for n, l in pods.items() if labels_match(pol["spec"]["podSelector"].get("matchLabels", {}), l)}


def peers(rule, side):
    """Pods in this namespace a rule's peers select; 'ingress-nginx'/'prometheus'/'external' for others."""
    out = set()
    for p in rule.get(side, []):
        if "namespaceSelector" in p:
            out.add(p.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name", "?other-namespace"))
        elif "ipBlock" in p:
            out.add("external")
        else:
            out |= {n for n, l in pods.items() if labels_match(p["podSelector"].get("matchLabels", {}), l)}
    return out


allowed_in, allowed_out = set(), set()  # (from, to, port)
for pol in pols.values():
    for target in selected(pol):
        for r in pol["spec"].get("ingress", []):
            for src in peers(r, "from"):
                for p in r.get("ports", [{"port": "any"}]):
                    allowed_in.add((src, target, p["port"]))
        for r in pol["spec"].get("egress", []):
            for dst in peers(r, "to"):
                for p in r.get("ports", [{"port": "any"}]):
                    allowed_out.add((target, dst, p["port"]))
# A flow between two pods here needs both the callee's ingress and the caller's egress.
flows = {f for f in allowed_in | allowed_out if f[0] not in pods or f[1] not in pods} | (allowed_in & allowed_out)
grpc = {(a, b) for a, b, p in flows if p == 9090}
if grpc != GRPC:
    fail(f"gRPC flows {sorted(grpc)}, want {sorted(GRPC)}")
for s in SERVICES:
    for src in ("ingress-nginx", "prometheus"):
        if (src, s, 8080) not in allowed_in:
            fail(f"NetworkPolicy: {src} may not reach {s}:8080")
    if s in JWKS_CALLERS and ((s, "identity", 8080) not in allowed_in or (s, "identity", 8080) not in allowed_out):
        fail(f"NetworkPolicy: {s} may not reach identity:8080 (JWKS)")
    db = "postgres" if overlay == "dev" else "external"
    if s in OWNS_DATA:
        if (s, db, 5432) not in allowed_out or (overlay == "dev" and (s, "postgres", 5432) not in allowed_in):
            fail(f"NetworkPolicy: {s} may not reach its database ({db}:5432)")
    # A service without data has no database flow, not even half of one (an egress rule
    # or the database's ingress naming it).
    elif any(f[0] == s and f[2] == 5432 for f in allowed_out | allowed_in):
        fail(f"NetworkPolicy: {s} owns no data but may connect to a database (5432)")
extra = {f for f in flows if f[2] not in (8080, 9090, 5432, 53)}
if extra:
    fail(f"NetworkPolicy: unexpected flows {sorted(extra)}")
http_in = {(a, b) for a, b, p in flows if p == 8080 and a not in ("ingress-nginx", "prometheus")}
if http_in != {(s, "identity") for s in JWKS_CALLERS}:
    fail(f"NetworkPolicy: service-to-service HTTP {sorted(http_in)}, want only {sorted(JWKS_CALLERS)} → identity (JWKS)")

ing = by.get("Ingress", {}).get("emporium")
if not ing:
    fail("no Ingress emporium")
else:
    if ing["spec"].get("ingressClassName") != "nginx" or ing["metadata"].get("annotations", {}).get("nginx.ingress.kubernetes.io/proxy-body-size") != "1m":
        fail("Ingress: not ingress-nginx with a 1m body limit")
    routes = {p["path"]: p["backend"]["service"]["name"] for r in ing["spec"]["rules"] for p in r["http"]["paths"]}
    if routes != ROUTES:
        fail(f"Ingress routes {routes}, want {ROUTES}")
    if any(p["backend"]["service"]["port"] != {"name": "http"} for r in ing["spec"]["rules"] for p in r["http"]["paths"]):
        fail("Ingress: a route goes to a port other than http")
    if [p["pathType"] for r in ing["spec"]["rules"] for p in r["http"]["paths"] if p["path"] == "/"] != ["Prefix"]:
        fail("Ingress: / must be one Prefix route (every path no API prefix takes goes to the storefront)")
    closed = by.get("Ingress", {}).get("emporium-not-public")
    if not closed:
        fail("no Ingress emporium-not-public (refusing /metrics and /health/* that / would send to the storefront)")
    else:
        denied = {x.strip() for x in closed["metadata"].get("annotations", {}).get("nginx.ingress.kubernetes.io/denylist-source-range", "").split(",")}
        if closed["spec"].get("ingressClassName") != "nginx" or not {"0.0.0.0/0", "::/0"} <= denied:
            fail(f"Ingress emporium-not-public: not ingress-nginx denying every address (denylist {sorted(denied)})")
        paths = {(p["path"], p["pathType"]) for r in closed["spec"]["rules"] for p in r["http"]["paths"]}
        if paths != {(p, "Prefix") for p in NOT_PUBLIC}:
            fail(f"Ingress emporium-not-public: paths {sorted(paths)}, want {sorted(NOT_PUBLIC)} as Prefix")
        hosts = lambda i: sorted({r.get("host", "") for r in i["spec"]["rules"]})
        if hosts(closed) != hosts(ing):
            fail(f"Ingress emporium-not-public: hosts {hosts(closed)}, want those of emporium {hosts(ing)}")

if overlay == "dev":
    pg = by.get("StatefulSet", {}).get("postgres")
    init = "".join(by.get("ConfigMap", {}).get("postgres-init", {}).get("data", {}).values())
    if not pg or not pg["spec"].get("volumeClaimTemplates"):
        fail("dev: no PostgreSQL StatefulSet with volumeClaimTemplates")
    for s in SERVICES:
        if s in OWNS_DATA and f"CREATE DATABASE {s};" not in init:
            fail(f"dev: init script does not create database {s}")
        elif s not in OWNS_DATA and re.search(rf"CREATE DATABASE {s}\b", init):
            fail(f"dev: init script creates a database for {s}, which owns no data")
elif by.get("StatefulSet"):
    fail(f"{overlay}: no StatefulSet expected (external PostgreSQL)")

if errors:
    print(f"check-rendered {overlay}: {len(errors)} problem(s)", file=sys.stderr)
    for e in errors:
        print(f"  {e}", file=sys.stderr)
    sys.exit(1)
print(f"check-rendered {overlay}: ok ({len(docs)} objects, {len(paths)} renderer(s) agree)")
