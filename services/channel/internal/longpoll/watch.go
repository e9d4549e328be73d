package longpoll

// watcher reports the hangup of parked connections by descriptor and
// registration generation. add and del are called with the lot's lock held.
type watcher interface {
	add(fd int32, gen uint32) error
	del(fd int32)
	close()
}
