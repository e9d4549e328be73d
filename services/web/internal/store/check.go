package store

import (
	"fmt"
	"slices"
)

// checkPair refuses ids that cannot be a friendship.
func checkPair(a, b int64) error {
	switch {
	case a <= 0 || b <= 0:
		return fmt.Errorf("friendship %d-%d: ids must be positive: %w", a, b, ErrInvalid)
	case a == b:
		return fmt.Errorf("friendship %d-%d: a user cannot befriend themselves: %w", a, b, ErrInvalid)
	}
	return nil
}

// checkList validates a whole friend list and returns it sorted without
// duplicates.
func checkList(user int64, friends []int64) ([]int64, error) {
	if user <= 0 {
		return nil, fmt.Errorf("set friends of %d: id must be positive: %w", user, ErrInvalid)
	}
	out := slices.Compact(slices.Sorted(slices.Values(friends)))
	if len(out) > MaxFriends {
		return nil, fmt.Errorf("set friends of %d: %d friends, at most %d: %w", user, len(out), MaxFriends, ErrInvalid)
	}
	for _, f := range out {
		if err := checkPair(user, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// diff compares two ascending lists: what want adds to old and what it drops.
func diff(old, want []int64) (added, removed []int64) {
	i, j := 0, 0
	for i < len(old) || j < len(want) {
		switch {
		case j == len(want) || (i < len(old) && old[i] < want[j]):
			removed = append(removed, old[i])
			i++
		case i == len(old) || want[j] < old[i]:
			added = append(added, want[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, removed
}
