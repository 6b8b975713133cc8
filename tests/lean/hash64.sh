# sourced by tests/lean/*.sh
# hash64 of a file (src/hash64.h: four lanes of 8-byte words, then the
# tail byte by byte)
hash64() {
    /usr/bin/python3 -c '
import struct, sys
M = 0xffffffffffffffff
K = 0x9e3779b97f4a7c15
def step(h, w):
    h = ((h ^ w) * K) & M
    return ((h << 31) | (h >> 33)) & M
d = open(sys.argv[1], "rb").read()
lane = [0xcbf29ce484222325, 0x84222325cbf29ce4, 0x100000001b3, 0x1b300000001]
i = 0
while len(d) - i >= 32:
    for k in range(4):
        lane[k] = step(lane[k], struct.unpack_from("<Q", d, i + 8 * k)[0])
    i += 32
h = len(d)
for k in range(4):
    h = step(h, lane[k])
for b in d[i:]:
    h = step(h, b)
h ^= h >> 29
print("%016x" % ((h * K) & M))' "$1"
}
