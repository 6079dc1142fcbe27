"""Agreement of `treaty lint --format json` with `buf lint --error-format json` by (buf rule,
file, line), over the buf rules treaty has an alias for. Usage: lint_agreement.py BUF TREATY"""
import json, sys, collections
buf = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
tre = json.load(open(sys.argv[2]))['findings']
have = set()
tkeys = set()
for f in tre:
    for a in f.get('aliases', []):
        if a.startswith('buf:'):
            have.add(a[4:]); tkeys.add((a[4:], f['file'], f['line']))
bkeys = set((b['type'], b['path'], b['start_line']) for b in buf if b['type'] in have)
allbuf = collections.Counter(b['type'] for b in buf)
print('buf findings:', len(buf), 'rules:', len(allbuf))
print('rules treaty has:', sorted(have))
print(f'buf keys on those rules: {len(bkeys)}; found by treaty: {len(bkeys & tkeys)}; treaty keys: {len(tkeys)}; confirmed by buf: {len(tkeys & bkeys)}')
print('only buf:', collections.Counter(k[0] for k in bkeys - tkeys))
print('only treaty:', collections.Counter(k[0] for k in tkeys - bkeys))
print('buf rules treaty lacks:', {r: n for r, n in allbuf.items() if r not in have})
