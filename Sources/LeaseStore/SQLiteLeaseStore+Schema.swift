import GRDB
import Timeline

/// The SQLite file's schema, as a list of migrations.
extension SQLiteLeaseStore {
    /// Schema changes append a migration; never edit a shipped one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: leases and events") { db in
            try db.create(table: "lease") { t in
                t.primaryKey("ip", .integer)
                t.column("mac", .text)
                t.column("client_id", .blob)
                t.column("hostname", .text)
                t.column("state", .text).notNull()
                t.column("expires", .integer).notNull()
                t.column("updated", .integer).notNull()
            }
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("time", .integer).notNull()
                t.column("mac", .text)
                t.column("name", .text).notNull()
                t.column("level", .text).notNull()
                t.column("metadata", .text).notNull()
            }
            try db.create(index: "event_by_mac", on: "event", columns: ["mac", "id"])
        }
        migrator.registerMigration("v2: phone provisioning state") { db in
            try db.create(table: "phone") { t in
                t.primaryKey("mac", .text)
                t.column("state", .text).notNull()
            }
        }
        migrator.registerMigration("v3: events by name (the dashboard's Syslog tab)") { db in
            try db.create(index: "event_by_name", on: "event", columns: ["name", "id"])
        }
        migrator.registerMigration("v4: learned client needs") { db in
            try db.create(table: "client_need") { t in
                t.column("mac", .text).notNull()
                t.column("need", .text).notNull()
                t.column("learned_at", .integer).notNull()
                t.column("evidence", .text).notNull()
                t.primaryKey(["mac", "need"])
            }
        }
        migrator.registerMigration("v5: fewer pages per event insert") { db in
            try db.execute(sql: eventTableV5)
        }
        return migrator
    }

    /// Every event insert wrote four B-tree pages besides the lease's: the table's, `sqlite_sequence`'s
    /// (AUTOINCREMENT keeps the highest id there), and one leaf of each of two indexes. At 20 exchanges/s
    /// that was ~4.7 WAL frames per commit, each checksummed and written (callgrind, bench/dhcp,
    /// docs/benchmarks.md). Now: a plain INTEGER PRIMARY KEY, whose new id is the table's last plus one, so
    /// ids still only grow while pruning keeps the newest rows; the MAC index on `mac` alone (an index entry
    /// ends with the row id, so it is still ordered by (mac, id) and covers MAX(id) per MAC); and the only
    /// name ever looked up, the dashboard's syslog messages, in a partial index that no other event touches.
    /// The table is copied once, in the migration's transaction, ids and all.
    static let eventTableV5 = """
        CREATE TABLE event_v5 (
            id INTEGER PRIMARY KEY, time INTEGER NOT NULL, mac TEXT, name TEXT NOT NULL,
            level TEXT NOT NULL, metadata TEXT NOT NULL);
        INSERT INTO event_v5 (id, time, mac, name, level, metadata)
            SELECT id, time, mac, name, level, metadata FROM event ORDER BY id;
        DROP TABLE event;
        ALTER TABLE event_v5 RENAME TO event;
        CREATE INDEX event_by_mac ON event (mac);
        CREATE INDEX event_syslog ON event (id) WHERE name = '\(EventName.syslog(.message).rawValue)';
        """
}
