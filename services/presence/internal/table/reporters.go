package table

import (
	"strconv"
	"sync"
)

// reporters interns reporter ids, so an entry names its reporter in 14 bits
// instead of a sixteen-byte string header.
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
// known. Past maxReporters distinct ids (channel instances restarting for
// months) new ones share the index of "(other)": the reporter is there for
// people debugging, and no report is refused for want of a name.
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
		return otherReporter, nil
	}
	id := uint16(len(r.names))
	r.ids[name] = id
	r.names = append(r.names, name)
	return id, nil
}

// otherReporter is the index shared by reporters past maxReporters.
const otherReporter = maxReporters

// name returns the id of reporter index id.
func (r *reporters) name(id uint16) string {
	if id == otherReporter {
		return "(other)"
	}
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
