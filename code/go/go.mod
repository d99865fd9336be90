module govsrust

go 1.22
