-- End-to-end test of the litmusls Neovim plugin, run by run.sh in headless
-- Neovim: it opens a kernel litmus test and a racy test, waits for the
-- server's diagnostics and checks their codes and lines, hovers on
-- smp_load_acquire (by request and by pressing K), applies the quick fix
-- that makes the racy test's outcome Never, and checks :help litmusls and
-- which buffers share a server.
--
-- Environment: LITMUSLS (the server binary), KERNEL_TEST (a copy of the
-- corpus's MP+poonceonces.litmus), RACY_TEST (a copy of racy-lb.litmus, in
-- another folder), ANNOTATED_C (a copy of testdata/bpfc/mp_plain_flag.c),
-- PLAIN_C (a C file without annotations), OTHER_PROJECT_TEST (a test in a
-- folder under one with .git), E2E_SETUP ("bare": setup() with no
-- arguments, litmusls on $PATH), E2E_LSP_START ("shim", see below).
-- Each check prints "ok: ..." or "FAIL: ..."; the last line is
-- "e2e: N passed, N failed" and the exit status is 1 if any check failed.

local passed, failed = 0, 0
local TIMEOUT = tonumber(os.getenv('E2E_TIMEOUT_MS') or '30000')

local function say(line)
  io.stderr:write(line .. '\n')
end

local function ok(cond, what, detail)
  if cond then
    passed = passed + 1
    say('ok:   ' .. what)
  else
    failed = failed + 1
    say('FAIL: ' .. what .. (detail and ('\n      ' .. detail) or ''))
  end
  return cond
end

local function finish()
  say(string.format('e2e: %d passed, %d failed', passed, failed))
  for _, c in pairs(vim.lsp.get_active_clients()) do
    c.stop()
  end
  vim.wait(2000, function()
    return #vim.lsp.get_active_clients() == 0
  end, 50)
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

local function env(name)
  local v = os.getenv(name)
  if not v or v == '' then
    say('FAIL: the environment variable ' .. name .. ' is not set (run editors/nvim/test/run.sh)')
    failed = failed + 1
    finish()
  end
  return v
end

-- code of a vim.diagnostic item: Neovim 0.8+ copies it, 0.7 keeps the LSP
-- diagnostic in user_data.
local function code(d)
  if d.code ~= nil then
    return tostring(d.code)
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code and tostring(lsp.code) or '?'
end

local function describe(diags)
  local parts = {}
  for _, d in ipairs(diags) do
    table.insert(parts, string.format('%s@%d', code(d), d.lnum + 1))
  end
  table.sort(parts)
  return '[' .. table.concat(parts, ' ') .. ']'
end

local function with_code(diags, c)
  local out = {}
  for _, d in ipairs(diags) do
    if code(d) == c then
      table.insert(out, d)
    end
  end
  return out
end

-- wait_diags waits until pred(diagnostics of bufnr) holds, and returns
-- whether it did and the diagnostics last seen.
local function wait_diags(bufnr, pred)
  local diags = {}
  local done = vim.wait(TIMEOUT, function()
    diags = vim.diagnostic.get(bufnr)
    return pred(diags)
  end, 50)
  return done, vim.diagnostic.get(bufnr)
end

-- line_of returns the 0-based number of the first line of bufnr matching
-- the Lua pattern, and the byte column of the match.
local function line_of(bufnr, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(pattern)
    if col then
      return i - 1, col - 1
    end
  end
  error('no line matches ' .. pattern)
end

local function lines_of(diags)
  local out = {}
  for _, d in ipairs(diags) do
    table.insert(out, d.lnum)
  end
  table.sort(out)
  return out
end

local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  ok(vim.bo[bufnr].filetype == 'litmus', 'filetype of ' .. vim.fn.fnamemodify(path, ':t') .. ' is litmus',
    'got "' .. vim.bo[bufnr].filetype .. '"')
  ok(vim.bo[bufnr].syntax == 'litmus', 'syntax of ' .. vim.fn.fnamemodify(path, ':t') .. ' is litmus',
    'got "' .. vim.bo[bufnr].syntax .. '"')
  return bufnr
end

local function client_of(bufnr)
  local c
  vim.wait(TIMEOUT, function()
    c = require('litmusls').client(bufnr)
    return c ~= nil and c.initialized ~= false and c.server_capabilities ~= nil
  end, 50)
  return c
end

local function hover_text(result)
  if not result or not result.contents then
    return ''
  end
  local contents = result.contents
  if type(contents) == 'string' then
    return contents
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, type(c) == 'string' and c or c.value or '')
  end
  return table.concat(parts, '\n')
end

-- request sends method to the litmusls client of bufnr and returns its
-- result, or nil and an error message.
local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  if not responses then
    return nil, tostring(err)
  end
  local client = require('litmusls').client(bufnr)
  for id, r in pairs(responses) do
    if client and id == client.id then
      if r.error then
        return nil, vim.inspect(r.error)
      end
      return r.result
    end
  end
  return nil, 'no answer from litmusls'
end

------------------------------------------------------------------------

local litmusls = env('LITMUSLS')
local kernel_path = env('KERNEL_TEST')
local racy_path = env('RACY_TEST')
local annotated_path = env('ANNOTATED_C')
local plain_path = env('PLAIN_C')

-- With E2E_LSP_START=shim on Neovim 0.7, vim.lsp.start is stood in for by
-- a function with Neovim 0.8.0's behaviour (reuse a client of the same name
-- and root, else start one; attach to the *current* buffer, no bufnr
-- option), so the plugin's 0.8+ branch runs too.
if os.getenv('E2E_LSP_START') == 'shim' and not vim.lsp.start then
  vim.lsp.start = function(config, _)
    local bufnr = vim.api.nvim_get_current_buf()
    for _, c in pairs(vim.lsp.get_active_clients()) do
      if c.name == config.name and c.config.root_dir == config.root_dir then
        vim.lsp.buf_attach_client(bufnr, c.id)
        return c.id
      end
    end
    local id = vim.lsp.start_client(config)
    if id then
      vim.lsp.buf_attach_client(bufnr, id)
    end
    return id
  end
  say('vim.lsp.start: a stand-in with Neovim 0.8.0 behaviour')
end

say('neovim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.'
  .. tostring(vim.version().patch) .. (vim.lsp.start and ': the plugin uses vim.lsp.start' or ': the plugin uses vim.lsp.start_client'))

-- E2E_SETUP=bare: setup() with no arguments, as a new user writes it; the
-- server is found on $PATH, and the settings are the server's defaults. A
-- global map of gd made before stands for a user's own map, which the
-- plugin must leave alone.
local bare = os.getenv('E2E_SETUP') == 'bare'
if bare then
  ok(vim.fn.exepath('litmusls') ~= '', 'litmusls is on $PATH for setup() with no arguments')
  vim.keymap.set('n', 'gd', '<Nop>', { desc = 'the user\'s own gd' })
  require('litmusls').setup()
  say('setup() with no arguments')
else
  require('litmusls').setup({
    cmd = { litmusls, 'serve' },
    settings = { litmusls = { debounce = '20ms', checkBudget = '20s', hoverArchs = { 'x86-64', 'powerpc64', 'arm64', 'riscv64' } } },
  })
end

-- :help litmusls finds the plugin's doc (doc/tags is shipped).
local help_ok, help_err = pcall(vim.cmd, 'help litmusls')
ok(help_ok and vim.bo.filetype == 'help' and vim.fn.expand('%:t') == 'litmusls.txt', ':help litmusls opens doc/litmusls.txt',
  tostring(help_err))
if help_ok then
  vim.cmd('close')
end

-- 1. The kernel test: MP+poonceonces, whose bad outcome is reachable.
local kernel = open(kernel_path)
local kclient = client_of(kernel)
ok(kclient ~= nil, 'litmusls attached to the kernel test')
local exists_line = line_of(kernel, '^exists')
local done, diags = wait_diags(kernel, function(d)
  return #with_code(d, 'reachable') > 0
end)
ok(done, 'kernel test: a "reachable" diagnostic arrives', 'diagnostics: ' .. describe(diags))
local reach = with_code(diags, 'reachable')
ok(#reach == 1 and reach[1].lnum == exists_line,
  string.format('kernel test: "reachable" is on the exists clause, line %d', exists_line + 1),
  'diagnostics: ' .. describe(diags))
ok(#reach == 1 and reach[1].severity == vim.diagnostic.severity.WARN, 'kernel test: "reachable" is a warning')
-- Its Result: comment agrees, its accesses are marked and it parses: none
-- of these (lints may add their own codes; they are not checked here).
local wrong = {}
for _, c in ipairs({ 'result-mismatch', 'data-race', 'syntax', 'unsupported', 'budget' }) do
  vim.list_extend(wrong, with_code(diags, c))
end
ok(#wrong == 0, 'kernel test: no result-mismatch, data-race, syntax, unsupported or budget diagnostics',
  'diagnostics: ' .. describe(diags))

-- Highlighting: the syntax group at the first match of a pattern.
local function syn_at(bufnr, pattern, offset)
  local l, c = line_of(bufnr, pattern)
  return vim.api.nvim_buf_call(bufnr, function()
    return vim.fn.synIDattr(vim.fn.synID(l + 1, c + 1 + (offset or 0), 1), 'name')
  end)
end
for _, case in ipairs({
  { '^C MP', 'litmusArch' },
  { 'WRITE_ONCE', 'litmusPrimitive' },
  { '%*buf, 1', '', 1, 'the "buf" of WRITE_ONCE(*buf (no comment)' },
  { 'Result: Sometimes', 'litmusResult' },
  { '^exists', 'litmusQuantifier' },
  { '%(%* Bad outcome', 'litmusComment' },
}) do
  local got = syn_at(kernel, case[1], case[3])
  ok(got == case[2], string.format('highlighting: %s is %s', case[4] or case[1], case[2] ~= '' and case[2] or 'plain'),
    'got ' .. got)
end

-- 2. The racy test: plain accesses to y race, and the LB outcome is reachable.
local racy = open(racy_path)
local rclient = client_of(racy)
ok(rclient ~= nil, 'litmusls attached to the racy test')
ok(kclient == nil or rclient == nil or kclient.id == rclient.id, 'both tests share one server (they are in different folders of no project)')
exists_line = line_of(racy, '^exists')
local store_line = line_of(racy, '%*y = 1;')
local load_line, load_col = line_of(racy, 'r1 = %*y;')
done, diags = wait_diags(racy, function(d)
  return #with_code(d, 'reachable') > 0 and #with_code(d, 'data-race') > 0
end)
ok(done, 'racy test: "reachable" and "data-race" diagnostics arrive', 'diagnostics: ' .. describe(diags))
reach = with_code(diags, 'reachable')
ok(#reach == 1 and reach[1].lnum == exists_line,
  string.format('racy test: "reachable" is on the exists clause, line %d', exists_line + 1),
  'diagnostics: ' .. describe(diags))
local races = lines_of(with_code(diags, 'data-race'))
ok(#races == 2 and races[1] == store_line and races[2] == load_line,
  string.format('racy test: "data-race" on the plain store (line %d) and the plain load (line %d)',
    store_line + 1, load_line + 1),
  'diagnostics: ' .. describe(diags))
for _, d in ipairs(with_code(diags, 'data-race')) do
  ok(d.severity == vim.diagnostic.severity.WARN, string.format('racy test: data race at line %d is a warning', d.lnum + 1))
end

-- 3. Hover on smp_load_acquire: its meaning and its lowering per architecture.
local acq_line, acq_col = line_of(racy, 'smp_load_acquire')
local hover, herr = request(racy, 'textDocument/hover', {
  textDocument = { uri = vim.uri_from_bufnr(racy) },
  position = { line = acq_line, character = acq_col + 3 },
})
local text = hover_text(hover)
ok(hover ~= nil, 'hover on smp_load_acquire answers', herr)
ok(text:find('smp_load_acquire', 1, true) ~= nil, 'hover names smp_load_acquire', text)
local function row(arch)
  for l in text:gmatch('[^\n]+') do
    if l:find(arch, 1, true) and l:find('|', 1, true) then
      return l
    end
  end
  return nil
end
local ppc, arm = row('powerpc'), row('arm64')
ok(ppc ~= nil and (ppc:find('lwsync', 1, true) or ppc:find('sync', 1, true)) ~= nil,
  'hover shows the powerpc lowering (a sync-family barrier)', 'powerpc row: ' .. tostring(ppc) .. '\n' .. text)
ok(arm ~= nil and arm:lower():find('ldar', 1, true) ~= nil, 'hover shows the arm64 lowering (ldar)',
  'arm64 row: ' .. tostring(arm) .. '\n' .. text)

-- K, mapped by the plugin in the buffer, shows the same hover in a float.
local kmap = vim.api.nvim_buf_call(racy, function()
  return vim.fn.maparg('K', 'n', false, true)
end)
ok(kmap.buffer == 1 and (kmap.desc or ''):find('litmusls', 1, true) ~= nil, 'K is mapped to hover in the buffer',
  vim.inspect(kmap))
vim.api.nvim_set_current_buf(racy)
vim.api.nvim_win_set_cursor(0, { acq_line + 1, acq_col + 3 })
local function float_text()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      return table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false), '\n'), w
    end
  end
  return nil
end
vim.cmd('normal K')
local ftext, fwin
vim.wait(TIMEOUT, function()
  ftext, fwin = float_text()
  return ftext ~= nil
end, 50)
ok(ftext ~= nil and ftext:find('smp_load_acquire', 1, true) ~= nil and ftext:lower():find('ldar', 1, true) ~= nil,
  'K opens a float with the hover of smp_load_acquire and its arm64 lowering', tostring(ftext))
if fwin then
  vim.api.nvim_win_close(fwin, true)
end
local gd = vim.api.nvim_buf_call(racy, function()
  return vim.fn.maparg('gd', 'n', false, true)
end)
if bare then
  ok(gd.buffer ~= 1 and gd.rhs == '<Nop>', 'the user\'s own gd is left alone', vim.inspect(gd))
else
  ok(gd.buffer == 1, 'gd is mapped to go to definition in the buffer', vim.inspect(gd))
end

-- 4. The quick fix on the plain load that makes the outcome Never.
local caps = rclient and rclient.server_capabilities or {}
if not ok(caps.codeActionProvider ~= nil, 'the server offers code actions (codeActionProvider)') then
  say('      (quick fixes come from lsp/code_action.go; without them the last step cannot run)')
else
  local line_text = vim.api.nvim_buf_get_lines(racy, load_line, load_line + 1, false)[1]
  local star = line_text:find('*y', 1, true) - 1
  local context_diags = {}
  for _, d in ipairs(vim.diagnostic.get(racy)) do
    if d.user_data and d.user_data.lsp then
      table.insert(context_diags, d.user_data.lsp)
    end
  end
  -- The server verifies rewrites in the background after the check and
  -- offers them once they are done: ask until the Never fix is there.
  local actions, aerr
  local function never_fix(list)
    for _, a in ipairs(list or {}) do
      if a.title:find('becomes Never', 1, true) then
        return a
      end
    end
    return nil
  end
  vim.wait(TIMEOUT, function()
    actions, aerr = request(racy, 'textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(racy) },
      range = { start = { line = load_line, character = star }, ['end'] = { line = load_line, character = star + 2 } },
      context = { diagnostics = context_diags, only = { 'quickfix' } },
    })
    return never_fix(actions) ~= nil
  end, 100)
  local titles = {}
  local fix
  for _, a in ipairs(actions or {}) do
    table.insert(titles, a.title)
    if not fix and a.title:find('becomes Never', 1, true) then
      fix = a
    end
  end
  ok(fix ~= nil, 'a quick fix on the plain load says the bad outcome becomes Never'
    .. (fix and (': "' .. fix.title .. '"') or ''),
    'code actions: ' .. (aerr or vim.inspect(titles)))
  if fix then
    ok(fix.kind == nil or fix.kind == 'quickfix', 'the fix is a quickfix', 'kind: ' .. tostring(fix.kind))
    if not fix.edit and not fix.command and fix.data then
      local resolved = request(racy, 'codeAction/resolve', fix)
      fix = resolved or fix
    end
    if fix.edit then
      vim.lsp.util.apply_workspace_edit(fix.edit, rclient.offset_encoding or 'utf-16')
    elseif fix.command then
      local cmd = type(fix.command) == 'table' and fix.command or fix
      request(racy, 'workspace/executeCommand', { command = cmd.command, arguments = cmd.arguments })
    end
    local fixed_line = vim.api.nvim_buf_get_lines(racy, load_line, load_line + 1, false)[1]
    ok(fixed_line:find('smp_load_acquire', 1, true) ~= nil,
      string.format('the fix makes line %d an acquire load', load_line + 1), 'line: ' .. fixed_line)
    done, diags = wait_diags(racy, function(d)
      return #with_code(d, 'reachable') == 0 and #with_code(d, 'never') > 0
    end)
    ok(done, 'after the fix the "reachable" warning is gone and "never" is reported',
      'diagnostics: ' .. describe(diags))
    local never = with_code(diags, 'never')
    ok(#never == 1 and never[1].lnum == exists_line,
      string.format('after the fix "never" is on the exists clause, line %d', exists_line + 1),
      'diagnostics: ' .. describe(diags))

    -- :LitmusWitness on the fixed, unsaved buffer explains the new verdict.
    vim.api.nvim_set_current_buf(racy)
    vim.cmd('LitmusWitness')
    local shown = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    vim.cmd('close')
    ok(shown:find('Observation LB+acquire+plain Never', 1, true) ~= nil,
      ':LitmusWitness checks the unsaved buffer (the outcome is now Never)', shown)
    ok(shown:find('Explanation of LB+acquire+plain', 1, true) ~= nil and shown:find(racy_path, 1, true) ~= nil
      and shown:find('unsaved-', 1, true) == nil,
      ':LitmusWitness explains, naming the buffer\'s file, not its temporary copy', shown)
    ok(#vim.fn.glob(vim.fn.fnamemodify(racy_path, ':h') .. '/.*unsaved*', true, true) == 0,
      ':LitmusWitness removes its copy of the buffer')
  end
end

-- 5. C files: attached only with litmus: annotations, checked in C lines.
vim.cmd('edit ' .. vim.fn.fnameescape(annotated_path))
local annotated = vim.api.nvim_get_current_buf()
ok(vim.bo[annotated].filetype == 'c', 'the annotated BPF C file is a c buffer')
ok(client_of(annotated) ~= nil, 'litmusls attached to the annotated C file')
local cond_line = line_of(annotated, 'litmus: exists')
done, diags = wait_diags(annotated, function(d)
  return #with_code(d, 'reachable') > 0
end)
reach = with_code(diags, 'reachable')
ok(done and #reach == 1 and reach[1].lnum == cond_line,
  string.format('annotated C: "reachable" on the litmus: exists annotation, line %d', cond_line + 1),
  'diagnostics: ' .. describe(diags))
races = lines_of(with_code(diags, 'data-race'))
local want = { line_of(annotated, 'data = 42;'), line_of(annotated, 'flag = 1;'), line_of(annotated, 'int f = flag;'),
  (line_of(annotated, 'd = data;')) }
table.sort(want)
ok(vim.deep_equal(races, want), 'annotated C: "data-race" on the four plain accesses, in C lines',
  'diagnostics: ' .. describe(diags))
vim.cmd('edit ' .. vim.fn.fnameescape(plain_path))
local plain = vim.api.nvim_get_current_buf()
vim.wait(500)
ok(require('litmusls').client(plain) == nil, 'litmusls does not attach to a C file without annotations')

-- 6. A test in another project (a folder with .git above it) gets a server
-- of its own, rooted there.
local other_path = os.getenv('OTHER_PROJECT_TEST')
if other_path and other_path ~= '' then
  local other = open(other_path)
  local oclient = client_of(other)
  local want_root = vim.fn.fnamemodify(other_path, ':p:h:h')
  ok(oclient ~= nil and oclient.id ~= (rclient and rclient.id) and oclient.config.root_dir == want_root,
    'a test in another project gets its own server, rooted at the project',
    oclient and ('root ' .. tostring(oclient.config.root_dir) .. ', want ' .. want_root) or 'no client')
end

finish()
