# Test-MigrationPlan as users see it: problems with file, line and column, -Quiet, pipeline input, errors. No lab.
BeforeAll {
    $modulePath = if ($env:LIVEMIGRATE_MODULE) { $env:LIVEMIGRATE_MODULE } else { Join-Path $PSScriptRoot '../../out/LiveMigrate' }
    $module = Import-Module $modulePath -Force -PassThru
    $examples = Join-Path $PSScriptRoot '../../examples/plans'
    $bad = Join-Path $TestDrive 'bad.yaml'
    Set-Content -LiteralPath $bad -Value @'
version: 1
hosts:
  lm1: { address: root@127.77.0.1:2222 }
  lm2: { address: root@127.77.0.2:2222 }
waves:
  - name: first
    throttle: two
    migrations:
      - { container: web, from: lm1, to: lm9 }
      - { container: db, from: lm2, to: lm1, colour: red }
'@
}

Describe 'Test-MigrationPlan' {
    It 'writes one problem per problem, with the file, line, column, code and a fix' {
        $problems = @(Test-MigrationPlan $bad)
        $problems | ForEach-Object { $_ | Should -BeOfType ([LiveMigrate.Plans.PlanProblem]) }
        @($problems | ForEach-Object { '{0}:{1}:{2}' -f $_.Code, $_.Line, $_.Column }) |
            Should -Be @('WrongType:7:15', 'UnknownHost:9:42', 'UnknownKey:10:46')
        $problems | ForEach-Object {
            $_.File | Should -Be (Resolve-Path $bad).ProviderPath
            $_.Severity | Should -Be 'Error'
            $_.Fix | Should -Not -BeNullOrEmpty
        }
        $problems[0].Message | Should -BeLike "*'throttle'*'two'*"
        $problems[1].Message | Should -BeLike "*'lm9'*hosts: lm1, lm2*"
        $problems[2].Fix | Should -BeLike '*are: container, from, to, name,*'
    }

    It 'reports a YAML syntax error at its line and column' {
        $broken = Join-Path $TestDrive 'broken.yaml'
        Set-Content -LiteralPath $broken -Value "version: 1`nhosts:`n  lm1:`n    address: a`n   port: 22"
        $problem = Test-MigrationPlan $broken
        $problem.Code | Should -Be 'YamlSyntax'
        $problem.Line, $problem.Column | Should -Be 5, 4
    }

    # Before the limits, the first ran for minutes and the second overflowed the stack and killed this pwsh.
    It 'refuses a hostile plan within a second, as a problem, and this session goes on (<Case>)' -ForEach @(
        @{ Case = 'aliases of aliases, 9 deep'; Code = 'TooLarge'; Text = (@('version: 1', 'hosts:', '  a0: &a0 [x, x, x, x, x, x, x, x, x, x]') +
                @(1..9 | ForEach-Object { "  a$($_): &a$($_) [" + ((@("*a$($_ - 1)") * 10) -join ', ') + ']' }) + 'waves: []') -join "`n" }
        @{ Case = '100,000 nested brackets'; Code = 'TooDeep'; Text = '[' * 100000 }
    ) {
        $hostile = Join-Path $TestDrive 'hostile.yaml'
        Set-Content -LiteralPath $hostile -Value $Text
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $problem = Test-MigrationPlan $hostile
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 1
        $problem.Code | Should -Be $Code
        $problem.File | Should -Be (Resolve-Path $hostile).ProviderPath
        $problem.Fix | Should -Not -BeNullOrEmpty
        Test-MigrationPlan $hostile -Quiet | Should -BeFalse -Because 'the session is still alive and answers again'
    }

    It 'writes the loaded plan, with effective settings, when there is no error' {
        $plan = Test-MigrationPlan (Join-Path $examples 'rolling-move.yaml')
        $plan | Should -BeOfType ([LiveMigrate.Plans.MigrationPlan])
        $plan.Waves.Name | Should -Be 'canary', 'pair-1', 'pair-2'
        @($plan.Migrations).Count | Should -Be 5
        ($plan.Migrations | Where-Object Name -EQ 'web-5').Mode | Should -Be 'Stop'
        ($plan.Migrations | Where-Object Name -EQ 'web-4').Mode | Should -Be 'PostCopy'
    }

    It 'shows each problem as file:line:col, the message, then the fix' {
        Push-Location $TestDrive
        try { $text = Test-MigrationPlan ./bad.yaml | Out-String -Width 400 } finally { Pop-Location }
        $text | Should -Match "(?m)^bad\.yaml:7:15  error: 'throttle' in wave 'first' must be a whole number"
        $text | Should -Match '(?m)^    fix: Write a number from 1 to 64.*\[WrongType\]$'
    }

    It 'returns a single $true or $false with -Quiet' {
        Test-MigrationPlan (Join-Path $examples 'drain-host.yaml') -Quiet | Should -BeExactly $true
        Test-MigrationPlan $bad -Quiet | Should -BeExactly $false
        $both = @(Test-MigrationPlan (Join-Path $examples 'drain-host.yaml'), $bad -Quiet)
        $both.Count | Should -Be 1
        $both[0] | Should -BeExactly $false
    }

    It 'takes files from Get-ChildItem through the pipeline' {
        $folder = Join-Path $TestDrive 'plans'
        New-Item -ItemType Directory $folder | Out-Null
        Copy-Item (Join-Path $examples '*.yaml'), $bad -Destination $folder
        $out = @(Get-ChildItem $folder -Filter *.yaml | Test-MigrationPlan)
        @($out | Where-Object { $_ -is [LiveMigrate.Plans.MigrationPlan] }).Count | Should -Be 2
        @($out | Where-Object { $_ -is [LiveMigrate.Plans.PlanProblem] } | ForEach-Object { Split-Path -Leaf $_.File } | Sort-Object -Unique) | Should -Be 'bad.yaml'
        Get-ChildItem $folder -Filter *.yaml | Test-MigrationPlan -Quiet | Should -BeExactly $false
    }

    It 'writes PlanFileNotFound (ObjectNotFound) for a missing file and still tests the others' {
        $missing = Join-Path $TestDrive 'missing.yaml'
        $out = Test-MigrationPlan $missing, (Join-Path $examples 'drain-host.yaml') -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PlanFileNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].TargetObject | Should -Be $missing
        $out | Should -BeOfType ([LiveMigrate.Plans.MigrationPlan])
        Test-MigrationPlan $missing -Quiet -ErrorAction SilentlyContinue | Should -BeExactly $false
    }

    It 'declares its output types' {
        (Get-Command Test-MigrationPlan).OutputType.Name | Should -Be 'LiveMigrate.Plans.PlanProblem', 'LiveMigrate.Plans.MigrationPlan', 'System.Boolean'
    }
}

Describe 'Migration plan files in the module' {
    It 'ships the JSON schema' {
        $schema = Get-Content -Raw (Join-Path $module.ModuleBase 'Schemas/migration-plan.v1.schema.json') | ConvertFrom-Json
        $schema.required | Should -Be 'version', 'hosts', 'waves'
    }

    # A plan says what Move-Container can: each of its parameters is a plan key of the same name in camelCase, in a
    # migration and (but for predumpId) in the defaults. A parameter added without its key fails here.
    It 'has a plan key for every Move-Container parameter' {
        $schema = Get-Content -Raw (Join-Path $module.ModuleBase 'Schemas/migration-plan.v1.schema.json') | ConvertFrom-Json
        # Plans name these otherwise: the container and the hosts per migration, hooks as the 'hooks' mapping of host commands and scripts.
        $renamed = @{ Name = 'container'; Source = 'from'; Destination = 'to'; Hook = 'hooks' }
        # A staged pre-dump belongs to one container: never a default.
        $migrationOnly = 'container', 'from', 'to', 'predumpId'
        $parameters = (Get-Command Move-Container).ImplementingType.GetProperties() |
            Where-Object { $_.GetCustomAttributes([System.Management.Automation.ParameterAttribute], $true) } | ForEach-Object Name
        $parameters.Count | Should -BeGreaterThan 15
        foreach ($p in $parameters) {
            $key = if ($renamed.ContainsKey($p)) { $renamed[$p] } else { $p.Substring(0, 1).ToLowerInvariant() + $p.Substring(1) }
            $schema.'$defs'.migration.properties.PSObject.Properties.Name | Should -Contain $key -Because "Move-Container -$p needs a plan key"
            if ($key -notin $migrationOnly) { $schema.'$defs'.defaults.properties.PSObject.Properties.Name | Should -Contain $key -Because "Move-Container -$p needs a default" }
        }
    }

    It 'has the about_LiveMigrate_Plans topic' {
        Get-Help about_LiveMigrate_Plans | Out-String | Should -Match 'failurePolicy'
    }

    It 'reads YAML with its own YamlDotNet, from the folder for this edition' {
        Test-MigrationPlan $bad -Quiet | Out-Null
        $yaml = [AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'YamlDotNet' -and $_.Location -like "$($module.ModuleBase)*" })
        $yaml.Count | Should -Be 1
        $yaml[0].Location | Should -BeLike "*$([IO.Path]::DirectorySeparatorChar)core$([IO.Path]::DirectorySeparatorChar)YamlDotNet.dll"
        [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($yaml[0]).Name | Should -Be 'LiveMigrate'
    }
}
