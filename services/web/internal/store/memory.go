package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// Memory is a Store in a map, for unit tests and as the Bolt store's twin.
type Memory struct {
	mu      sync.Mutex
	users   map[int64]string
	friends map[int64]map[int64]struct{}
	version map[int64]int64
	ver     versioner
}

// NewMemory returns an empty Memory store; a nil clock means time.Now.
func NewMemory(now Clock) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{
		users:   map[int64]string{},
		friends: map[int64]map[int64]struct{}{},
		version: map[int64]int64{},
		ver:     versioner{now: now},
	}
}

// PutUser implements Store.
func (m *Memory) PutUser(_ context.Context, u User) error {
	if u.ID <= 0 {
		return fmt.Errorf("put user %d: %w", u.ID, ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, existed := m.users[u.ID]
	m.users[u.ID] = u.Name
	if existed && old != u.Name {
		v := m.ver.next()
		for f := range m.friends[u.ID] {
			m.version[f] = v
		}
	}
	return nil
}

// Users implements Store.
func (m *Memory) Users(_ context.Context, ids []int64) (map[int64]User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[int64]User, len(ids))
	for _, id := range ids {
		if name, ok := m.users[id]; ok {
			out[id] = User{ID: id, Name: name}
		}
	}
	return out, nil
}

// AddFriend implements Store.
func (m *Memory) AddFriend(_ context.Context, a, b int64) error {
	if err := checkPair(a, b); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.exist(a, b); err != nil {
		return fmt.Errorf("add friend %d-%d: %w", a, b, err)
	}
	if _, ok := m.friends[a][b]; ok {
		return nil
	}
	m.link(a, b)
	v := m.ver.next()
	m.version[a], m.version[b] = v, v
	return nil
}

// RemoveFriend implements Store.
func (m *Memory) RemoveFriend(_ context.Context, a, b int64) error {
	if err := checkPair(a, b); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.friends[a][b]; !ok {
		return nil
	}
	delete(m.friends[a], b)
	delete(m.friends[b], a)
	v := m.ver.next()
	m.version[a], m.version[b] = v, v
	return nil
}

// SetFriends implements Store.
func (m *Memory) SetFriends(_ context.Context, user int64, friends []int64) error {
	want, err := checkList(user, friends)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.exist(append(want, user)...); err != nil {
		return fmt.Errorf("set friends of %d: %w", user, err)
	}
	old := slices.Sorted(maps.Keys(m.friends[user]))
	added, removed := diff(old, want)
	if len(added) == 0 && len(removed) == 0 {
		return nil
	}
	v := m.ver.next()
	for _, f := range removed {
		delete(m.friends[user], f)
		delete(m.friends[f], user)
		m.version[f] = v
	}
	for _, f := range added {
		m.link(user, f)
		m.version[f] = v
	}
	m.version[user] = v
	return nil
}

// Friends implements Store.
func (m *Memory) Friends(_ context.Context, user int64) (FriendList, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return FriendList{IDs: slices.Sorted(maps.Keys(m.friends[user])), Version: m.version[user]}, nil
}

// AreFriends implements Store.
func (m *Memory) AreFriends(_ context.Context, a, b int64) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.friends[a][b]
	return ok, nil
}

// Close implements Store.
func (m *Memory) Close() error { return nil }

func (m *Memory) link(a, b int64) {
	for _, p := range [2][2]int64{{a, b}, {b, a}} {
		if m.friends[p[0]] == nil {
			m.friends[p[0]] = map[int64]struct{}{}
		}
		m.friends[p[0]][p[1]] = struct{}{}
	}
}

func (m *Memory) exist(ids ...int64) error {
	for _, id := range ids {
		if _, ok := m.users[id]; !ok {
			return fmt.Errorf("user %d: %w", id, ErrNotFound)
		}
	}
	return nil
}
