module example.com/platform-deploy

go 1.26.0

require github.com/prodkube/prodkube v0.0.0

replace github.com/prodkube/prodkube => ../../../..
