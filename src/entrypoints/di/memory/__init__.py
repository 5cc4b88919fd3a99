"""Each context's memory providers: its persistence and outside services in memory, declared beside its SQL
providers (`BoundedContext.memory_providers`). `entrypoints.di.container.memory_container` puts them over the
real wiring, for the application tests and local experiments."""
