package table

import (
	"strconv"
	"sync"
)

// reporters interns reporter ids, so an entry names its reporter in two
// bytes instead of a sixteen-byte string header.
type reporters struct {
	mu      sync.Mutex
	ids     map[string]uint16
	names   []string
	allowed map[string]bool // nil: any well-formed id
}

func (r *reporters) init(allowed []string) {
	r.ids = map[string]uint16{}
	if len(allowed) > 0 {
		r.allowed = make(map[string]bool, len(allowed))
		for _, a := range allowed {
			r.allowed[a] = true
		}
	}
}

// intern returns name's index, adding it if it is new and allowed. An id
// outside a configured list is unknown; with no list, every well-formed id is
// known, up to what the index can name.
func (r *reporters) intern(name string) (uint16, error) {
	if err := checkReporter(name); err != nil {
		return 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if id, ok := r.ids[name]; ok {
		return id, nil
	}
	if r.allowed != nil && !r.allowed[name] {
		return 0, &InputError{"reporter", "unknown reporter " + quote(name)}
	}
	if len(r.names) >= maxReporters {
		return 0, &InputError{"reporter", "unknown reporter " + quote(name) + ": the table of reporters is full"}
	}
	id := uint16(len(r.names))
	r.ids[name] = id
	r.names = append(r.names, name)
	return id, nil
}

// name returns the id of reporter index id.
func (r *reporters) name(id uint16) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if int(id) < len(r.names) {
		return r.names[id]
	}
	return ""
}

// quote keeps a hostile id from forging log lines or sending invalid UTF-8
// back to a caller: at most 40 bytes, quoted as ASCII.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return strconv.QuoteToASCII(s)
}
