-- Tasks that share a serial key run one at a time (a candidate's code
-- gradings, one application at a time). The claim skips a task whose key
-- is held by a running task; the unique index makes that hold when two
-- workers claim at the same moment, and costs nothing for the tasks
-- without a key (NULLs never collide).
ALTER TABLE tasks ADD COLUMN serial_key TEXT;
CREATE UNIQUE INDEX tasks_running_serial_key ON tasks (serial_key) WHERE status = 'running';
