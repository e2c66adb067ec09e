import Testing
@testable import FunnelCore

struct StoreAddressTests {
    @Test func urlsNameADatabaseAndAnythingElseADirectory() {
        #expect(StoreAddress("postgres://u@h/db") == .postgres(url: "postgres://u@h/db"))
        #expect(StoreAddress("PostgreSQL://h/db") == .postgres(url: "PostgreSQL://h/db"))
        #expect(StoreAddress("funnel.store") == .directory("funnel.store"))
        #expect(StoreAddress("/tmp/postgres://x") == .directory("/tmp/postgres://x"))
        #expect(StoreAddress("postgres:/x") == .directory("postgres:/x"))
    }

    @Test func passwordsAreMaskedWhereverTheURLPutsThem() {
        #expect(StoreAddress.masked("postgres://rep:s3cret@db.example.com:5432/sales") == "postgres://rep:***@db.example.com:5432/sales")
        #expect(StoreAddress.masked("postgresql://rep@db/sales?sslmode=require&password=x&application_name=f")
                == "postgresql://rep@db/sales?sslmode=require&password=***&application_name=f")
        #expect(StoreAddress.masked("postgres://rep:p%40ss@db/sales") == "postgres://rep:***@db/sales")
        #expect(StoreAddress.masked("postgres://rep:@db/sales") == "postgres://rep:@db/sales")
        #expect(StoreAddress.masked("postgres:///sales") == "postgres:///sales")
        #expect(StoreAddress("postgres://a:b@h/d").display == "postgres://a:***@h/d")
        #expect(StoreAddress.maskingPasswords(in: ".open postgres://a:b@h/d\n.open 'postgresql://c:d@h/e' x")
                == ".open postgres://a:***@h/d\n.open 'postgresql://c:***@h/e' x")
        #expect(StoreAddress.passwords(in: "postgres://rep:p%40ss@db/sales?password=q") == ["p%40ss", "p@ss", "q"])
    }

    @Test func theCacheLivesUnderTheUsersCacheFolder() {
        #expect(StoreAddress.cacheRoot(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"]) == "/c/funnel")
        #expect(StoreAddress.cacheRoot(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"]) == "/h/.cache/funnel")
        #expect(StoreAddress.cacheRoot(environment: [:]) == nil)
    }
}
