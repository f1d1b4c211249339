package world

import (
	"os"
	"syscall"
)

// locked runs f holding the lock of the world in path, shared or exclusive, across
// processes: the engine starts one provider process per provider configuration (one per
// region), and each reads and saves the same world. Without it, one process reads a file
// the other is half-way through writing, or two changes overwrite each other.
func locked(path string, how int, f func() error) error {
	if path == "" {
		return f()
	}
	l, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer l.Close() // closing the file releases the lock
	if err := syscall.Flock(int(l.Fd()), how); err != nil {
		return err
	}
	return f()
}

// Change applies f to the world in path and saves the result, holding the world's lock.
func Change(path string, f func([]Resource) ([]Resource, error)) error {
	return locked(path, syscall.LOCK_EX, func() error {
		resources, err := Load(path)
		if err != nil {
			return err
		}
		if resources, err = f(resources); err != nil {
			return err
		}
		return Save(path, resources)
	})
}

// Read loads the world in path while no change is under way.
func Read(path string) ([]Resource, error) {
	var out []Resource
	err := locked(path, syscall.LOCK_SH, func() error {
		var err error
		out, err = Load(path)
		return err
	})
	return out, err
}
