package discovery

// HashUser is the key of a user id.
func HashUser(id int64) uint64 { return mix(uint64(id)) }

// HashString is the key of a string, such as a conversation id (FNV-1a, mixed).
func HashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}

// mix is splitmix64's finalizer: a cheap bijection that spreads every input bit.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
