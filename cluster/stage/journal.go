package stage

// Filter selects journal records. Empty fields match everything.
type Filter struct {
	// Component, Name and Object are globs; Component also matches by a bare
	// component name ("kubelet" for "kubelet/worker-1"), Object lets '*' cross '/'.
	Component string
	Name      string
	Object    string
	// Since keeps only records with Seq greater than it.
	Since int64
}

func (f *Filter) match(r *Record) bool {
	if f.Component != "" && !matchStage(f.Component, &Stage{Component: r.Component}) {
		return false
	}
	if f.Name != "" && !matchStage(f.Name, &Stage{Name: r.Name}) {
		return false
	}
	return matchObject(f.Object, r.Object)
}

// Records returns the journal records f selects, oldest first.
func (b *Bus) Records(f Filter) []Record {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Record
	b.journal.each(f.Since, func(r *Record) {
		if f.match(r) {
			out = append(out, *r)
		}
	})
	return out
}

// LastSeq returns the sequence number of the latest record, 0 before the first;
// pass it as Filter.Since to read only what comes next.
func (b *Bus) LastSeq() int64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

// ring is the bounded journal. Records have consecutive Seqs, so the record
// with a given Seq is found by arithmetic. It grows by append up to capacity, so
// an idle playground does not pay for a full journal.
type ring struct {
	capacity int
	recs     []Record
	start    int // index of the oldest record once full
}

func (r *ring) add(rec Record) {
	if len(r.recs) < r.capacity {
		r.recs = append(r.recs, rec)
		return
	}
	r.recs[r.start] = rec
	r.start++
	if r.start == len(r.recs) {
		r.start = 0
	}
}

// each calls fn for the records with Seq > since, oldest first.
func (r *ring) each(since int64, fn func(*Record)) {
	n := len(r.recs)
	if n == 0 {
		return
	}
	first := r.recs[r.start].Seq
	skip := 0
	if since >= first {
		skip = int(min(since-first+1, int64(n)))
	}
	for i := skip; i < n; i++ {
		fn(&r.recs[(r.start+i)%n])
	}
}
