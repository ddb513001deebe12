# Derives MMX test vectors from the recorded SSE2 integer vectors (the native32
# suite has no MMX forms): for lane-wise operations the MMX result is the low
# quadword of the XMM result, so each 66-prefixed test becomes an MMX test
# without the prefix, its MM registers given as x87 registers (exponent all
# ones, TOP 0, tags "special"). Packs, unpacks, PEXTRW/PINSRW are left out.
#
#   python3 tests/vectors/derive_mmx_vectors.py && build/amber vectors /tmp/simd_mmx/mmx --cpu pentium4
import json, gzip, os, sys
src = os.path.join(os.path.dirname(__file__), '../../../shared/testdata/native32/sse')
out = sys.argv[1] if len(sys.argv) > 1 else '/tmp/simd_mmx/mmx'
os.makedirs(out, exist_ok=True)
meta = json.load(open(src + '/metadata.json'))
lanewise = ['64','65','66','74','75','76','D1','D2','D3','D4','D5','D8','D9','DA','DB','DC','DD','DE','DF',
            'E0','E1','E2','E3','E4','E5','E8','E9','EA','EB','EC','ED','EE','EF','F1','F2','F3','F4','F5','F6',
            'F8','F9','FA','FB','FC','FD','FE','71.2','71.4','71.6','72.2','72.4','72.6','73.2','73.6','6E','7E','D7']
def st(q): return 'ffff%016x' % q
newmeta = dict(meta); newmeta['forms'] = {}
for f in lanewise:
    name = '66.0F' + f
    tests = json.load(gzip.open(f'{src}/{name}.json.gz'))
    outt = []
    for t in tests:
        b = t['bytes']; assert b[0] == 0x66
        nb = b[1:]
        eip = t['initial']['regs']['eip']
        def fix_ram(ram):
            r = [[a, v] for a, v in ram if not (eip <= a < eip + len(b))]
            return r + [[eip + k, x] for k, x in enumerate(nb)]
        ini, fin = t['initial'], t['final']
        mm_i = [int(x[16:], 16) for x in ini['sse']['xmm']]
        mm_f = [int(x[16:], 16) for x in fin['sse']['xmm']]
        if fin['sse']['mxcsr'] != ini['sse']['mxcsr']: continue
        nt = {'idx': t['idx'], 'name': 'mmx ' + t['name'], 'bytes': nb,
              'initial': {'regs': ini['regs'], 'ram': fix_ram(ini['ram']),
                          'fpu': {'fcw': 0x37F, 'fsw': 0, 'ftw': 0xAAAA, 'st': [st(q) for q in mm_i]}},
              'final': {'regs': dict(fin['regs']), 'ram': fix_ram(fin['ram']),
                        'fpu': {'fcw': 0x37F, 'fsw': 0, 'ftw': 0xAAAA, 'st': [st(q) for q in mm_f]}}}
        if 'eip' in nt['final']['regs']: nt['final']['regs']['eip'] -= 1
        if f == 'D7' and 'regs' in fin:  # PMOVMSKB: 8 bits for 8 bytes
            for r, v in list(fin['regs'].items()):
                if r != 'eip' and r != 'eflags': nt['final']['regs'][r] = v & 0xFF
        if 'undefined' in t: nt['undefined'] = t['undefined']
        outt.append(nt)
    json.dump(outt, gzip.open(f'{out}/0F{f}.json.gz', 'wt'))
    m = dict(meta['forms'][name]); m['desc'] = 'MMX from ' + m['desc']; m['count'] = len(outt)
    newmeta['forms']['0F' + f] = m
json.dump(newmeta, open(out + '/metadata.json', 'w'))
print(len(newmeta['forms']), 'forms')
